/**
 * A live session over its socket, for the web UI, the TUI and scripts: connect, say hello, fold
 * every frame into the transcript, keep the connection alive with pings, and after a drop
 * reconnect (backoff with jitter) and resume with `hello{since}`, so nothing is missed and nothing
 * is shown twice. Uses the global WebSocket (browsers, Node 22); a token rides as a sub-protocol
 * because neither can set headers on a WebSocket.
 */
import type { ClientKind } from "../common.ts";
import { decodeFrame, encodeFrame } from "../codec.ts";
import {
  type ClientToSession,
  PING_FRAME_TEXT,
  SESSION_SOCKET_PROTOCOL,
  type SessionToClient,
  SessionToClientSchema,
} from "../session-socket.ts";
import { EMPTY_TRANSCRIPT, type Transcript, foldTranscript } from "../transcript.ts";
import { PROTOCOL_VERSION } from "../version.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The subset of the WebSocket API this client uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: { data?: unknown; code?: number }) => void): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export interface SessionSocketOptions {
  /** Origin of the Worker, e.g. `http://127.0.0.1:8787` (ws/wss is derived). */
  readonly baseUrl: string;
  readonly sessionId: string;
  readonly client: ClientKind;
  /** The API token; omit in the browser when the session cookie authenticates. */
  readonly token?: string;
  readonly onTranscript?: (transcript: Transcript) => void;
  readonly onFrame?: (frame: SessionToClient) => void;
  readonly onState?: (state: ConnectionState) => void;
  readonly socketFactory?: SocketFactory;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly pingEveryMs?: number;
}

const OPEN = 1;
const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 10_000 };
const DEFAULT_PING_MS = 25_000;

function base64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function sessionSocketUrl(baseUrl: string, sessionId: string): string {
  const url = new URL(`/api/v1/sessions/${encodeURIComponent(sessionId)}/socket`, baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class SessionSocketClient {
  readonly #options: SessionSocketOptions;
  #transcript: Transcript = EMPTY_TRANSCRIPT;
  #socket: SocketLike | undefined;
  #state: ConnectionState = "connecting";
  #attempt = 0;
  #joined = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SessionSocketOptions) {
    this.#options = options;
    this.#connect();
  }

  get transcript(): Transcript {
    return this.#transcript;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Sends a frame if the session is joined; false when it could not be sent (offline). */
  send(frame: Exclude<ClientToSession, { type: "hello" | "ping" }>): boolean {
    if (!this.#joined || this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(encodeFrame(frame));
    return true;
  }

  close(): void {
    this.#setState("closed");
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    this.#socket?.close(1000, "client closed");
  }

  #connect(): void {
    const protocols = [
      SESSION_SOCKET_PROTOCOL,
      ...(this.#options.token === undefined ? [] : [`maestro.token.${base64Url(this.#options.token)}`]),
    ];
    const url = sessionSocketUrl(this.#options.baseUrl, this.#options.sessionId);
    const factory: SocketFactory = this.#options.socketFactory ?? ((target, offered) => new WebSocket(target, offered));
    const socket = factory(url, protocols);
    this.#socket = socket;
    this.#joined = false;
    socket.addEventListener("open", () => {
      // Resume from the last frame folded in; a first connection asks for a snapshot.
      const since = this.#transcript.seq > 0 ? this.#transcript.seq : undefined;
      socket.send(
        encodeFrame({
          type: "hello",
          protocol_version: PROTOCOL_VERSION,
          client: this.#options.client,
          ...(since !== undefined && { since }),
        }),
      );
      clearInterval(this.#pingTimer);
      this.#pingTimer = setInterval(() => {
        if (socket.readyState === OPEN) socket.send(PING_FRAME_TEXT);
      }, this.#options.pingEveryMs ?? DEFAULT_PING_MS);
    });
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", () => this.#closed(socket));
  }

  #receive(data: unknown): void {
    if (typeof data !== "string") return;
    const decoded = decodeFrame(SessionToClientSchema, data);
    if (!decoded.ok) return;
    const frame = decoded.value;
    if (!this.#joined && (frame.type === "snapshot" || "seq" in frame)) {
      this.#joined = true;
      this.#attempt = 0;
      this.#setState("open");
    }
    this.#transcript = foldTranscript(this.#transcript, frame);
    this.#options.onFrame?.(frame);
    this.#options.onTranscript?.(this.#transcript);
  }

  #closed(socket: SocketLike): void {
    if (socket !== this.#socket) return;
    clearInterval(this.#pingTimer);
    this.#joined = false;
    if (this.#state === "closed") return;
    this.#setState("reconnecting");
    const { baseMs, maxMs } = this.#options.backoff ?? DEFAULT_BACKOFF;
    const delay = Math.round(Math.random() * Math.min(maxMs, baseMs * 2 ** this.#attempt));
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState?.(state);
  }
}
