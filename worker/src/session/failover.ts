/**
 * Failover (issue 13 part 6): a session names fallback models in order; when the model a turn is
 * on fails for good, the turn carries on with the next one. What counts, after llxprt's failover
 * load-balancing profiles (LoadBalancingProvider: 429, 5xx and network errors fail over once the
 * retries are spent; 401/402/403 at once; never after part of an answer was streamed):
 *
 * - after retry.ts has spent its retries: overloaded, unavailable, 5xx, rate limited, timed out,
 *   a stream that dropped before any output;
 * - at once: the provider refused the credential (401/403), the model is gone (404), the
 *   credential needs a new login or no longer exists.
 *
 * Not: a request the provider found invalid or too long (another model would not fix it), or a
 * failure after output reached a client (the partial answer is kept, as without fallbacks).
 * The chain is per turn and only moves forward: once a turn failed over it stays on the fallback;
 * the next turn starts on the session's own model again.
 */
import type { ErrorCode, Fallback, ModelTarget, ProviderId, StreamEvent, TurnId } from "@maestro/protocol";
import type { Provider } from "../providers/provider.ts";
import { AppError } from "../errors.ts";
import type { CredentialForCall } from "./credential-lease.ts";
import type { SessionRuntime } from "./runtime.ts";

/** A model a turn's calls go to: the session's own, or one of its fallbacks. */
export interface CallTarget {
  readonly providerId: ProviderId;
  readonly provider: Provider;
  readonly model: string;
  readonly credentialId: string | null;
  /** Asked before every call; may throw an AppError (CREDENTIAL_UNAVAILABLE) when the login is gone. */
  readonly credentialForCall: CredentialForCall;
}

const AFTER_RETRIES = new Set<ErrorCode>(["PROVIDER_UNAVAILABLE", "PROVIDER_RATE_LIMITED", "PROVIDER_TIMEOUT", "STREAM_INTERRUPTED"]);
const AT_ONCE = new Set<ErrorCode>(["PROVIDER_AUTH", "PROVIDER_MODEL_NOT_FOUND", "CREDENTIAL_UNAVAILABLE", "CREDENTIAL_NOT_FOUND"]);

/** Whether a model call that produced nothing failed in a way another model could get past. */
export function failsOver(error: { readonly code: ErrorCode }): boolean {
  return AFTER_RETRIES.has(error.code) || AT_ONCE.has(error.code);
}

/** A credential that could not be had (signed out, deleted) ends the call like a provider error would. */
export function isCredentialFailure(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === "CREDENTIAL_UNAVAILABLE" || error.code === "CREDENTIAL_NOT_FOUND");
}

export function describeTarget(target: CallTarget): ModelTarget {
  return { provider: target.providerId, model: target.model, credential_id: target.credentialId };
}

/** The session's fallbacks for one turn, each opened (provider, credential) only when it is reached. */
export class FailoverChain {
  readonly #fallbacks: readonly Fallback[];
  readonly #open: (fallback: Fallback) => CallTarget;
  #next = 0;

  constructor(fallbacks: readonly Fallback[], open: (fallback: Fallback) => CallTarget) {
    this.#fallbacks = fallbacks;
    this.#open = open;
  }

  get hasNext(): boolean {
    return this.#next < this.#fallbacks.length;
  }

  /** The next fallback, or null when every one has been tried. */
  next(): CallTarget | null {
    const fallback = this.#fallbacks[this.#next];
    if (fallback === undefined) return null;
    this.#next += 1;
    return this.#open(fallback);
  }
}

/** The log line of a failover: from which model to which, and why (ids and the provider's words, no secrets). */
export function logFailover(
  host: Pick<SessionRuntime, "sessionId" | "log">,
  turnId: TurnId,
  event: Extract<StreamEvent, { type: "failover" }>,
): void {
  host.log.warn("provider.failover", {
    session_id: host.sessionId,
    turn_id: turnId,
    from_provider: event.from.provider,
    from_model: event.from.model,
    from_credential_id: event.from.credential_id,
    to_provider: event.to.provider,
    to_model: event.to.model,
    to_credential_id: event.to.credential_id,
    code: event.code,
    reason: event.message,
  });
}
