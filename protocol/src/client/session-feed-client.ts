/**
 * Follows the session feed: calls `onChange` with the id of every session that changed,
 * `onCredentialChange` with the id of every credential whose state changed, and `onOpen` each time the feed (re)connects — anything may have changed while it was away, so a
 * client reloads its whole list then. Reconnects by itself until closed.
 */
import { decodeFrame } from "../codec.ts";
import { SESSION_FEED_PATH, SessionFeedFrameSchema } from "../session-feed.ts";
import type { CredentialId, SessionId } from "../ids.ts";
import { ReconnectingSocket, type SocketFactory } from "./reconnecting-socket.ts";

export interface SessionFeedOptions {
  readonly baseUrl: string;
  /** The API token; omit in the browser when the session cookie authenticates. */
  readonly token?: string;
  readonly onChange?: (sessionId: SessionId) => void;
  readonly onCredentialChange?: (credentialId: CredentialId) => void;
  readonly onOpen?: () => void;
  readonly socketFactory?: SocketFactory;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export class SessionFeedClient {
  readonly #socket: ReconnectingSocket;

  constructor(options: SessionFeedOptions) {
    this.#socket = new ReconnectingSocket({
      path: SESSION_FEED_PATH,
      baseUrl: options.baseUrl,
      token: options.token,
      socketFactory: options.socketFactory,
      backoff: options.backoff,
      onOpen: () => {
        this.#socket.settled();
        options.onOpen?.();
      },
      onMessage: (data) => {
        if (typeof data !== "string") return;
        const decoded = decodeFrame(SessionFeedFrameSchema, data);
        if (!decoded.ok) return;
        if (decoded.value.type === "session_changed") options.onChange?.(decoded.value.session_id);
        if (decoded.value.type === "credential_changed") options.onCredentialChange?.(decoded.value.credential_id);
      },
      onDrop: () => undefined,
    });
  }

  close(): void {
    this.#socket.close();
  }
}
