/**
 * A live session over its socket, for the web UI, the TUI and scripts: connect, say hello, fold
 * every frame into the transcript, keep the connection alive with pings, and after a drop
 * reconnect (backoff with jitter) and resume with `hello{since}`, so nothing is missed and nothing
 * is shown twice. The socket plumbing (token, keep-alive, backoff) is ReconnectingSocket's.
 */
import type { ClientKind } from "../common.ts";
import { decodeFrame, encodeFrame } from "../codec.ts";
import { type ClientToSession, type SessionToClient, SessionToClientSchema } from "../session-socket.ts";
import { EMPTY_TRANSCRIPT, type Transcript, foldTranscript } from "../transcript.ts";
import { PROTOCOL_VERSION } from "../version.ts";
import { ReconnectingSocket, type SocketFactory, socketUrl } from "./reconnecting-socket.ts";

export type { SocketFactory, SocketLike } from "./reconnecting-socket.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

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

const sessionSocketPath = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}/socket`;

export function sessionSocketUrl(baseUrl: string, sessionId: string): string {
  return socketUrl(baseUrl, sessionSocketPath(sessionId));
}

export class SessionSocketClient {
  readonly #options: SessionSocketOptions;
  readonly #socket: ReconnectingSocket;
  #transcript: Transcript = EMPTY_TRANSCRIPT;
  #state: ConnectionState = "connecting";
  #joined = false;

  constructor(options: SessionSocketOptions) {
    this.#options = options;
    this.#socket = new ReconnectingSocket({
      path: sessionSocketPath(options.sessionId),
      baseUrl: options.baseUrl,
      token: options.token,
      socketFactory: options.socketFactory,
      backoff: options.backoff,
      pingEveryMs: options.pingEveryMs,
      onOpen: (socket) => {
        this.#joined = false;
        // Resume from the last frame folded in; a first connection asks for a snapshot.
        const since = this.#transcript.seq > 0 ? this.#transcript.seq : undefined;
        socket.send(
          encodeFrame({
            type: "hello",
            protocol_version: PROTOCOL_VERSION,
            client: options.client,
            ...(since !== undefined && { since }),
          }),
        );
      },
      onMessage: (data) => this.#receive(data),
      onDrop: () => {
        this.#joined = false;
        this.#setState("reconnecting");
      },
    });
  }

  get transcript(): Transcript {
    return this.#transcript;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Sends a frame if the session is joined; false when it could not be sent (offline). */
  send(frame: Exclude<ClientToSession, { type: "hello" | "ping" }>): boolean {
    const socket = this.#socket.open;
    if (!this.#joined || socket === undefined) return false;
    socket.send(encodeFrame(frame));
    return true;
  }

  close(): void {
    this.#setState("closed");
    this.#socket.close();
  }

  #receive(data: unknown): void {
    if (typeof data !== "string") return;
    const decoded = decodeFrame(SessionToClientSchema, data);
    if (!decoded.ok) return;
    const frame = decoded.value;
    if (!this.#joined && (frame.type === "snapshot" || "seq" in frame)) {
      this.#joined = true;
      this.#socket.settled();
      this.#setState("open");
    }
    this.#transcript = foldTranscript(this.#transcript, frame);
    this.#options.onFrame?.(frame);
    this.#options.onTranscript?.(this.#transcript);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState?.(state);
  }
}
