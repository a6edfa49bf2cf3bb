/**
 * A live session over its socket, for the web UI, the TUI and scripts: connect, say hello, fold
 * every frame into the transcript, keep the connection alive with pings, and after a drop
 * reconnect (backoff with jitter) and resume with `hello{since}`, so nothing is missed and nothing
 * is shown twice. A socket the server refuses for good (no such session, a refused token) is
 * not retried: the client closes and says why (`onFailure`, `failure`). The socket plumbing
 * (token, keep-alive, backoff) is ReconnectingSocket's.
 */
import type { ClientKind } from "../common.ts";
import { decodeFrame, encodeFrame } from "../codec.ts";
import { type ClientToSession, type SessionToClient, SessionToClientSchema } from "../session-socket.ts";
import { EMPTY_TRANSCRIPT, type Transcript, foldTranscript } from "../transcript.ts";
import { SessionIdSchema } from "../ids.ts";
import { PROTOCOL_VERSION } from "../version.ts";
import { ReconnectingSocket, type SocketFactory, socketUrl } from "./reconnecting-socket.ts";
import { createRestClient } from "./rest-client.ts";
import { type DiagnoseSocket, type SocketFailure, diagnoseWith } from "./socket-failure.ts";

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
  /**
   * The session cannot be opened and will not be retried (no session with that id, a refused
   * token, …). Called once, just before the state turns `closed`; the reason stays in `failure`.
   */
  readonly onFailure?: (failure: SocketFailure) => void;
  /**
   * What to ask when a socket closes without opening. Default: `GET /api/v1/sessions/:id` with
   * the same token (or cookie), where a 401 or 404 is permanent and a network error is not.
   */
  readonly diagnose?: DiagnoseSocket;
  readonly socketFactory?: SocketFactory;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly pingEveryMs?: number;
}

const sessionSocketPath = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}/socket`;

export function sessionSocketUrl(baseUrl: string, sessionId: string): string {
  return socketUrl(baseUrl, sessionSocketPath(sessionId));
}

/**
 * The default diagnosis of a session socket that would not open: read the session over REST with
 * the same credentials. An id that is not a session id at all needs no request.
 */
export function diagnoseSessionSocket(options: Pick<SessionSocketOptions, "baseUrl" | "sessionId" | "token">): DiagnoseSocket {
  return async () => {
    const id = SessionIdSchema.safeParse(options.sessionId);
    if (!id.success) return { status: 400, code: "INVALID_REQUEST", message: "That is not a session id (a UUID)." };
    const rest = createRestClient({ baseUrl: options.baseUrl, ...(options.token !== undefined && { token: options.token }) });
    return diagnoseWith(() => rest.sessions.get(id.data));
  };
}

export class SessionSocketClient {
  readonly #options: SessionSocketOptions;
  readonly #socket: ReconnectingSocket;
  #transcript: Transcript = EMPTY_TRANSCRIPT;
  #state: ConnectionState = "connecting";
  #failure: SocketFailure | null = null;
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
      diagnose: options.diagnose ?? diagnoseSessionSocket(options),
      onFailure: (failure) => {
        this.#failure = failure;
        options.onFailure?.(failure);
        this.#setState("closed");
      },
    });
  }

  get transcript(): Transcript {
    return this.#transcript;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the session could not be opened, once the client gave up; null otherwise. */
  get failure(): SocketFailure | null {
    return this.#failure;
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
