/**
 * The session's sockets: who each one is (kept in its hibernation attachment, so it survives
 * eviction), and sending to one or all. Only frames this Worker built are ever sent: a client's
 * raw text is never rebroadcast.
 */
import { type ClientKind, ClientKindSchema, type Presence, SESSION_SOCKET_PROTOCOL } from "@maestro/protocol";
import { z } from "zod";

export const ConnectionAttachmentSchema = z.object({
  connection_id: z.string(),
  /** Set by `hello`; a socket counts in presence and receives broadcasts only once joined. */
  kind: ClientKindSchema.nullable(),
  connected_at: z.number(),
});
export type ConnectionAttachment = z.infer<typeof ConnectionAttachmentSchema>;

/**
 * Each socket's attachment as this instance last wrote or read it. Every broadcast asks every
 * socket whether it joined, and deserialising and validating its attachment each time was most of
 * a streamed token's cost; the attachment stays the source of truth (a woken object reads it once).
 */
const attachments = new WeakMap<WebSocket, ConnectionAttachment>();

export function attachmentOf(socket: WebSocket): ConnectionAttachment | undefined {
  const known = attachments.get(socket);
  if (known !== undefined) return known;
  const parsed = ConnectionAttachmentSchema.safeParse(socket.deserializeAttachment());
  if (!parsed.success) return undefined;
  attachments.set(socket, parsed.data);
  return parsed.data;
}

export function attach(socket: WebSocket, attachment: ConnectionAttachment): void {
  socket.serializeAttachment(attachment);
  attachments.set(socket, attachment);
}

export function markJoined(socket: WebSocket, kind: ClientKind): void {
  const attachment = attachmentOf(socket);
  if (attachment !== undefined) attach(socket, { ...attachment, kind });
}

export function isJoined(socket: WebSocket): boolean {
  return attachmentOf(socket)?.kind != null;
}

/** Send text to one socket; a socket that is already closing is skipped, not an error. */
export function sendText(socket: WebSocket, text: string): void {
  try {
    socket.send(text);
  } catch {
    // The peer went away between our check and the send; its close handler cleans up.
  }
}

export function broadcastText(sockets: readonly WebSocket[], text: string): void {
  for (const socket of sockets) if (isJoined(socket)) sendText(socket, text);
}

/** Count joined sockets by client kind, leaving out one that is closing. */
export function countPresence(sockets: readonly WebSocket[], closing?: WebSocket): Presence {
  const presence: Presence = { total: 0, web: 0, tui: 0, api: 0 };
  for (const socket of sockets) {
    if (socket === closing) continue;
    const kind = attachmentOf(socket)?.kind;
    if (kind == null) continue;
    presence[kind] += 1;
    presence.total += 1;
  }
  return presence;
}

/**
 * The 101 answer that hands a socket to its client. Browsers send the token as a sub-protocol
 * next to `maestro.v1`, and refuse the connection unless the answer picks one they offered: pick
 * `maestro.v1` (never the token's).
 */
export function switchingProtocols(request: Request, client: WebSocket): Response {
  const offered =
    request.headers
      .get("sec-websocket-protocol")
      ?.split(",")
      .map((value) => value.trim()) ?? [];
  const headers = offered.includes(SESSION_SOCKET_PROTOCOL) ? { "sec-websocket-protocol": SESSION_SOCKET_PROTOCOL } : undefined;
  return new Response(null, { status: 101, webSocket: client, headers });
}
