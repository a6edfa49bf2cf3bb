// A test client of the session socket: connects through the Worker, decodes every frame with
// the protocol schema, and lets a test await frames in order, always with a timeout.
import { type ClientToSession, PROTOCOL_VERSION, type SessionToClient, SessionToClientSchema, decodeFrame } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { ORIGIN, workerFetch } from "./api.ts";

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
  closed(): Promise<{ code: number }>;
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

  const received: SessionToClient[] = [];
  const texts: string[] = [];
  let cursor = 0;
  let wake: (() => void) | undefined;
  let closeInfo: { code: number } | undefined;
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
    const decoded = decodeFrame(SessionToClientSchema, text);
    if (!decoded.ok) throw new Error(`server sent an invalid frame: ${decoded.error.message}`);
    texts.push(text);
    received.push(decoded.value);
    wake?.();
  });
  socket.addEventListener("close", (event) => {
    closeInfo = { code: event.code };
    wake?.();
  });

  const waitForChange = (deadline: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for a frame")), Math.max(0, deadline - Date.now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return {
    received,
    texts,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendText: (text) => socket.send(text),
    async next(type, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < received.length) {
          const frame = received[cursor++];
          if (frame !== undefined && (type === undefined || frame.type === type)) return frame as never;
        }
        if (closeInfo !== undefined) throw new Error(`socket closed (${closeInfo.code}) while waiting for ${type ?? "a frame"}`);
        await waitForChange(deadline);
      }
    },
    async closed() {
      const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
      while (closeInfo === undefined) await waitForChange(deadline);
      return closeInfo;
    },
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
