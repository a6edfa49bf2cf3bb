/**
 * Frames in and out of sockets. The only place in the project that parses JSON text from a peer
 * (besides the providers' SSE parser): everything past this point is a validated value.
 */
import type { z } from "zod";
import { type FieldIssue, describeFieldIssues, toFieldIssues } from "./errors.ts";
import { type Result, err, ok } from "./result.ts";

export type DecodeErrorCode = "INVALID_FRAME" | "UNKNOWN_FRAME_TYPE" | "PROTOCOL_VERSION_MISMATCH";

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly message: string;
  readonly fields: FieldIssue[];
}

const textDecoder = new TextDecoder();

/** Parse JSON text into `unknown`, or say why not. */
export function parseJson(text: string): Result<unknown, DecodeError> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ code: "INVALID_FRAME", message: "frame is not valid JSON", fields: [] });
  }
}

/** Decode one socket frame against a schema of the frames this side accepts. */
export function decodeFrame<S extends z.ZodType>(schema: S, raw: string | ArrayBuffer | ArrayBufferView): Result<z.output<S>, DecodeError> {
  const text = typeof raw === "string" ? raw : textDecoder.decode(raw);
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  return validateFrame(schema, parsed.value);
}

/** Validate an already-parsed value, classifying the failure the way peers need to hear it. */
export function validateFrame<S extends z.ZodType>(schema: S, value: unknown): Result<z.output<S>, DecodeError> {
  const result = schema.safeParse(value);
  if (result.success) return ok(result.data);
  const issues = result.error.issues;
  const fields = toFieldIssues(issues);
  if (issues.some((issue) => issue.path[0] === "protocol_version")) {
    return err({ code: "PROTOCOL_VERSION_MISMATCH", message: describeFieldIssues(fields), fields });
  }
  if (issues.some((issue) => issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === "type")) {
    return err({ code: "UNKNOWN_FRAME_TYPE", message: "unknown frame type", fields });
  }
  return err({ code: "INVALID_FRAME", message: describeFieldIssues(fields), fields });
}

/** Encode a frame for the wire. Takes only typed frames, never a peer's raw text. */
export function encodeFrame<T extends { readonly type: string }>(frame: T): string {
  return JSON.stringify(frame);
}
