/**
 * AppError: an expected failure with a wire code and a public message. `internal` and `cause`
 * are for the log only: toErrorBody never sends them, and unknown errors become INTERNAL.
 */
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type FieldIssue } from "@maestro/protocol";

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** Detail for the log (never sent): which key was missing, which query failed. */
  readonly internal?: string;
  readonly fields?: readonly FieldIssue[];
}

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly internal: string | undefined;
  readonly fields: readonly FieldIssue[];

  constructor(code: ErrorCode, publicMessage: string, options: AppErrorOptions = {}) {
    super(publicMessage, { cause: options.cause });
    this.code = code;
    this.internal = options.internal;
    this.fields = options.fields ?? [];
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function toErrorBody(error: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.fields.length > 0) body.error.fields = [...error.fields];
  return body;
}

/** Anything thrown that is not an AppError is a bug: the caller sees only this. */
export function internalError(cause: unknown): AppError {
  return new AppError("INTERNAL", "Something went wrong on our side.", { cause });
}

export function notFound(code: ErrorCode, what: string): AppError {
  return new AppError(code, `No ${what} with that id.`);
}
