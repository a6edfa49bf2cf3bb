/**
 * The one error vocabulary of The Maestro. REST errors, socket `error` frames and stream `error`
 * events all carry a code from here; ERROR_STATUS gives each code its HTTP status, so adding a
 * code is one line in each table and the compiler checks the pair.
 */
import { z } from "zod";

export const ErrorCode = {
  // Requests
  INVALID_REQUEST: "INVALID_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  ROUTE_NOT_FOUND: "ROUTE_NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  CONFLICT: "CONFLICT",
  /** Too many requests from this client (sign-in: per address; API: per principal); see `retry-after`. */
  RATE_LIMITED: "RATE_LIMITED",
  // Resources
  SESSION_NOT_FOUND: "SESSION_NOT_FOUND",
  SESSION_ARCHIVED: "SESSION_ARCHIVED",
  MESSAGE_NOT_FOUND: "MESSAGE_NOT_FOUND",
  CREDENTIAL_NOT_FOUND: "CREDENTIAL_NOT_FOUND",
  CREDENTIAL_UNAVAILABLE: "CREDENTIAL_UNAVAILABLE",
  TEMPLATE_NOT_FOUND: "TEMPLATE_NOT_FOUND",
  TOOL_NOT_FOUND: "TOOL_NOT_FOUND",
  TOOL_BUILTIN: "TOOL_BUILTIN",
  MCP_SERVER_NOT_FOUND: "MCP_SERVER_NOT_FOUND",
  AGENT_NOT_FOUND: "AGENT_NOT_FOUND",
  MCP_UNAVAILABLE: "MCP_UNAVAILABLE",
  OAUTH_STATE_INVALID: "OAUTH_STATE_INVALID",
  OAUTH_FAILED: "OAUTH_FAILED",
  TURN_IN_PROGRESS: "TURN_IN_PROGRESS",
  NO_ACTIVE_TURN: "NO_ACTIVE_TURN",
  NOTHING_TO_COMPACT: "NOTHING_TO_COMPACT",
  APPROVAL_NOT_FOUND: "APPROVAL_NOT_FOUND",
  APPROVAL_RULE_NOT_FOUND: "APPROVAL_RULE_NOT_FOUND",
  /** The session's queue holds MAX_QUEUED_MESSAGES already. */
  QUEUE_FULL: "QUEUE_FULL",
  QUEUE_ENTRY_NOT_FOUND: "QUEUE_ENTRY_NOT_FOUND",
  /** The queued message has started its turn: it can no longer be edited or cancelled. */
  QUEUE_ENTRY_STARTED: "QUEUE_ENTRY_STARTED",
  // Sockets and frames
  INVALID_FRAME: "INVALID_FRAME",
  UNKNOWN_FRAME_TYPE: "UNKNOWN_FRAME_TYPE",
  PROTOCOL_VERSION_MISMATCH: "PROTOCOL_VERSION_MISMATCH",
  HELLO_REQUIRED: "HELLO_REQUIRED",
  UPGRADE_REQUIRED: "UPGRADE_REQUIRED",
  // Providers (used in stream `error` events)
  PROVIDER_UNSUPPORTED: "PROVIDER_UNSUPPORTED",
  PROVIDER_AUTH: "PROVIDER_AUTH",
  PROVIDER_RATE_LIMITED: "PROVIDER_RATE_LIMITED",
  PROVIDER_UNAVAILABLE: "PROVIDER_UNAVAILABLE",
  PROVIDER_PROTOCOL: "PROVIDER_PROTOCOL",
  PROVIDER_ERROR: "PROVIDER_ERROR",
  /** The provider does not have (or no longer serves) the model asked for: HTTP 404. */
  PROVIDER_MODEL_NOT_FOUND: "PROVIDER_MODEL_NOT_FOUND",
  STREAM_INTERRUPTED: "STREAM_INTERRUPTED",
  /** The provider did not answer, or went quiet mid-stream, for longer than the configured limit. */
  PROVIDER_TIMEOUT: "PROVIDER_TIMEOUT",
  /** The request was longer than the model's context window ("prompt is too long"). */
  CONTEXT_TOO_LONG: "CONTEXT_TOO_LONG",
  // The server itself
  CONFIG_INVALID: "CONFIG_INVALID",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

/** HTTP status of each code. Socket and stream errors carry the same codes without a status. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SESSION_NOT_FOUND: 404,
  SESSION_ARCHIVED: 409,
  MESSAGE_NOT_FOUND: 404,
  CREDENTIAL_NOT_FOUND: 404,
  CREDENTIAL_UNAVAILABLE: 409,
  TEMPLATE_NOT_FOUND: 404,
  TOOL_NOT_FOUND: 404,
  TOOL_BUILTIN: 409,
  MCP_SERVER_NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  MCP_UNAVAILABLE: 502,
  OAUTH_STATE_INVALID: 400,
  OAUTH_FAILED: 502,
  TURN_IN_PROGRESS: 409,
  NO_ACTIVE_TURN: 409,
  NOTHING_TO_COMPACT: 409,
  APPROVAL_NOT_FOUND: 404,
  APPROVAL_RULE_NOT_FOUND: 404,
  QUEUE_FULL: 409,
  QUEUE_ENTRY_NOT_FOUND: 404,
  QUEUE_ENTRY_STARTED: 409,
  INVALID_FRAME: 400,
  UNKNOWN_FRAME_TYPE: 400,
  PROTOCOL_VERSION_MISMATCH: 400,
  HELLO_REQUIRED: 400,
  UPGRADE_REQUIRED: 426,
  PROVIDER_UNSUPPORTED: 400,
  PROVIDER_AUTH: 502,
  PROVIDER_RATE_LIMITED: 429,
  PROVIDER_UNAVAILABLE: 503,
  PROVIDER_PROTOCOL: 502,
  PROVIDER_ERROR: 502,
  PROVIDER_MODEL_NOT_FOUND: 502,
  STREAM_INTERRUPTED: 502,
  PROVIDER_TIMEOUT: 504,
  CONTEXT_TOO_LONG: 400,
  CONFIG_INVALID: 500,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

/** One invalid input field: `path` is dotted (`enabled_tools.2`), `message` says what is wrong. */
export const FieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    fields: z.array(FieldIssueSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Turn zod issues into field issues; the root of the value is reported as `(root)`. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)",
    message: issue.message,
  }));
}

/** A one-line summary naming the offending fields, for `error.message`. */
export function describeFieldIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
}
