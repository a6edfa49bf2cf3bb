/**
 * The plumbing the session socket and the session feed share: open a WebSocket with the token as
 * a sub-protocol (neither browsers nor Node can set headers on one), keep it alive with the exact
 * ping text the server auto-answers, and after a drop open it again with backoff and jitter until
 * closed on purpose, or until `diagnose` finds that the server refuses it for good. What to say on
 * open and what a message means is the caller's business.
 */
import { PING_FRAME_TEXT, SESSION_SOCKET_PROTOCOL } from "../session-socket.ts";
import { retryDelay } from "./backoff.ts";
import type { DiagnoseSocket, SocketFailure } from "./socket-failure.ts";

/** The subset of the WebSocket API these clients use, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: { data?: unknown; code?: number }) => void): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export interface ReconnectingSocketOptions {
  /** A path on the Worker, e.g. `/api/v1/sessions/feed`. */
  readonly path: string;
  /** Origin of the Worker, e.g. `http://127.0.0.1:8787` (ws/wss is derived). */
  readonly baseUrl: string;
  /** The API token; omit in the browser when the session cookie authenticates. */
  readonly token?: string | undefined;
  readonly socketFactory?: SocketFactory | undefined;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number } | undefined;
  readonly pingEveryMs?: number | undefined;
  readonly onOpen: (socket: SocketLike) => void;
  readonly onMessage: (data: unknown) => void;
  /** The socket dropped and a new one will be opened after a delay (unless `diagnose` says no). */
  readonly onDrop: () => void;
  /**
   * Asked each time a socket closed without ever opening (a refused upgrade, or no server):
   * a SocketFailure stops the retries for good, null retries with backoff. Omitted: always retry.
   */
  readonly diagnose?: DiagnoseSocket | undefined;
  /** No socket will be opened again: `diagnose` found a permanent reason. Not called on close(). */
  readonly onFailure?: ((failure: SocketFailure) => void) | undefined;
}

export const SOCKET_OPEN = 1;
const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 10_000 };
const DEFAULT_PING_MS = 25_000;

function base64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function socketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class ReconnectingSocket {
  readonly #options: ReconnectingSocketOptions;
  #socket: SocketLike | undefined;
  #attempt = 0;
  #closed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ReconnectingSocketOptions) {
    this.#options = options;
    this.#connect();
  }

  /** The open socket, or undefined while (re)connecting. */
  get open(): SocketLike | undefined {
    return this.#socket?.readyState === SOCKET_OPEN ? this.#socket : undefined;
  }

  /** The connection proved good (the server answered): the next drop starts the backoff over. */
  settled(): void {
    this.#attempt = 0;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    this.#socket?.close(1000, "client closed");
  }

  #connect(): void {
    const { token } = this.#options;
    const protocols = [SESSION_SOCKET_PROTOCOL, ...(token === undefined ? [] : [`maestro.token.${base64Url(token)}`])];
    const factory: SocketFactory = this.#options.socketFactory ?? ((target, offered) => new WebSocket(target, offered));
    const socket = factory(socketUrl(this.#options.baseUrl, this.#options.path), protocols);
    this.#socket = socket;
    let opened = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      void this.#dropped(socket, opened);
    };
    socket.addEventListener("open", () => {
      opened = true;
      this.#options.onOpen(socket);
      clearInterval(this.#pingTimer);
      this.#pingTimer = setInterval(() => {
        if (socket.readyState === SOCKET_OPEN) socket.send(PING_FRAME_TEXT);
      }, this.#options.pingEveryMs ?? DEFAULT_PING_MS);
    });
    socket.addEventListener("message", (event) => {
      if (socket === this.#socket) this.#options.onMessage(event.data);
    });
    // A browser reports a failed open as "error" then "close"; Node's WebSocket (undici) sends the
    // "error" alone and leaves the socket CONNECTING for good, so an error before open ends it too.
    socket.addEventListener("error", () => {
      if (!opened) end();
    });
    socket.addEventListener("close", end);
  }

  async #dropped(socket: SocketLike, opened: boolean): Promise<void> {
    if (socket !== this.#socket) return;
    clearInterval(this.#pingTimer);
    if (this.#closed) return;
    this.#options.onDrop();
    const { diagnose } = this.#options;
    if (!opened && diagnose !== undefined) {
      const failure = await diagnose().catch(() => null);
      // close() may have come while the check was out; then nobody is waiting for an answer.
      if (this.#closed) return;
      if (failure !== null) {
        this.#closed = true;
        this.#options.onFailure?.(failure);
        return;
      }
    }
    this.#retryLater();
  }

  #retryLater(): void {
    const delay = retryDelay(this.#attempt, this.#options.backoff ?? DEFAULT_BACKOFF);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }
}
