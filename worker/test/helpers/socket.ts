// A test client of the session socket: connects through the Worker, decodes every frame with
// the protocol schema, and lets a test await frames in order, always with a timeout.
import { type ClientToSession, PROTOCOL_VERSION, type SessionToClient, SessionToClientSchema, decodeFrame } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { ORIGIN, workerFetch } from "./api.ts";
import { FrameQueue } from "./frame-queue.ts";

const DEFAULT_TIMEOUT_MS = 5000;

export interface TestSocket {
  /** Every frame received so far, in order. */
  readonly received: SessionToClient[];
  /** Raw texts, in order (what a resume must reproduce byte for byte). */
  readonly texts: string[];
  send(frame: ClientToSession | Record<string, unknown>): void;
  sendText(text: string): void;
  /** The next frame not yet taken by next(), optionally the next one matching `predicate`. */
  next<T extends SessionToClient["type"]>(type?: T, timeoutMs?: number): Promise<Extract<SessionToClient, { type: T }>>;
  /** Resolves when the server closes the socket. */
  closed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function openSocket(sessionId: string, options: { token?: string | null; protocols?: string } = {}): Promise<TestSocket> {
  const headers = new Headers({ upgrade: "websocket" });
  const token = options.token === undefined ? env.MAESTRO_API_TOKEN : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  if (options.protocols !== undefined) headers.set("sec-websocket-protocol", options.protocols);
  const response = await workerFetch(`${ORIGIN}/api/v1/sessions/${sessionId}/socket`, { headers });
  const socket = response.webSocket;
  if (response.status !== 101 || socket === null) {
    throw new Error(`socket refused: ${response.status} ${await response.text()}`);
  }
  socket.accept();

  const queue = new FrameQueue<SessionToClient>();
  const texts: string[] = [];
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
    const decoded = decodeFrame(SessionToClientSchema, text);
    if (!decoded.ok) throw new Error(`server sent an invalid frame: ${decoded.error.message}`);
    texts.push(text);
    queue.push(decoded.value);
  });
  socket.addEventListener("close", (event) => queue.markClosed({ code: event.code, reason: event.reason }));

  return {
    received: queue.received,
    texts,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendText: (text) => socket.send(text),
    next: async (type, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      (await queue.next((frame) => type === undefined || frame.type === type, type ?? "a frame", timeoutMs)) as never,
    closed: () => queue.closed(DEFAULT_TIMEOUT_MS),
    close: () => socket.close(1000, "test done"),
  };
}

/** Open a socket and say hello; resolves once the snapshot (or the replay) has been read. */
export async function joinSocket(sessionId: string, client: "web" | "tui" | "api" = "web"): Promise<TestSocket> {
  const socket = await openSocket(sessionId);
  socket.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client });
  await socket.next("snapshot");
  return socket;
}

/** Give the Durable Object a moment to process frames that have no reply. */
export function settle(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
