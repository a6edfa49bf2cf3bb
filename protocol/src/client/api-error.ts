/** The error a protocol client throws for a non-2xx answer (or no usable answer at all). */
import type { ErrorCode, FieldIssue } from "../errors.ts";

/** Codes a client raises on its own, when the server's answer never arrived or made no sense. */
export type ClientErrorCode = "NETWORK_ERROR" | "BAD_RESPONSE";

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  readonly fields: readonly FieldIssue[];

  constructor(status: number, code: ErrorCode | ClientErrorCode, message: string, fields: readonly FieldIssue[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}
