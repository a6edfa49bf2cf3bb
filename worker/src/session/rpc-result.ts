/**
 * How the session's Durable Object answers RPC calls. Custom error classes do not survive the
 * RPC boundary, so expected failures travel as plain values and become AppErrors again here.
 */
import type { ErrorCode, FieldIssue } from "@maestro/protocol";
import { AppError } from "../errors.ts";

export type RpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string; readonly fields: FieldIssue[] } };

/** Run `work`, turning an AppError into a failure value. Anything else is a bug and propagates. */
export async function toRpcResult<T>(work: () => Promise<T>): Promise<RpcResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError) {
      return { ok: false, error: { code: error.code, message: error.message, fields: [...error.fields] } };
    }
    throw error;
  }
}

export function unwrapRpcResult<T>(result: RpcResult<T>): T {
  if (result.ok) return result.value;
  throw new AppError(result.error.code, result.error.message, { fields: result.error.fields });
}
