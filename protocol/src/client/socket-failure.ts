/**
 * Why a socket cannot be opened, and whether trying again can help. A refused WebSocket upgrade
 * tells the client nothing (no status, in browsers and Node alike), so after a failed open the
 * client asks the same question over REST with the same credentials and reads the status there.
 * Used by ReconnectingSocket (`diagnose`) and so by every socket client; it never opens sockets.
 */
import type { ErrorCode } from "../errors.ts";
import { ApiError, type ClientErrorCode } from "./api-error.ts";

/** A reason the socket will not be opened again: the server said no, and would say it again. */
export interface SocketFailure {
  /** The HTTP status of the REST check that explained it (400, 401, 403, 404, …). */
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  /** One sentence for the user: what is wrong, and where it helps, what to do. */
  readonly message: string;
}

/**
 * Asked after a socket closed without ever opening. Resolves the permanent reason, or null when
 * trying again may help (the server is unreachable or failing, or the check passed).
 */
export type DiagnoseSocket = () => Promise<SocketFailure | null>;

/** Wording for the failures a user meets most; other codes keep the server's own message. */
const FAILURE_MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  UNAUTHORIZED: "Not signed in, or the token was refused (sign in again).",
  FORBIDDEN: "Not allowed to open this.",
  SESSION_NOT_FOUND: "There is no session with that id.",
};

/** Client errors that a later attempt can cure: a timeout and a rate limit. */
const TRANSIENT_STATUSES = new Set([408, 429]);

/**
 * Runs a REST check (one that throws ApiError, like the RestClient's calls) and reads its outcome
 * as a diagnosis: a 4xx answer is permanent (except 408 and 429); success, a network error, a 5xx
 * or anything unexpected means "try again".
 */
export async function diagnoseWith(check: () => Promise<unknown>): Promise<SocketFailure | null> {
  try {
    await check();
    return null;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500 || TRANSIENT_STATUSES.has(error.status)) return null;
    return { status: error.status, code: error.code, message: FAILURE_MESSAGES[error.code] ?? error.message };
  }
}
