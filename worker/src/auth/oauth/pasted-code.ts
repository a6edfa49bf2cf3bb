/**
 * What a user pastes back to finish a login from a hosted app: the authorization code itself, or
 * the whole URL the browser was redirected to (which carries the code and the state). A pasted
 * URL must belong to this login: its state is checked before anything is exchanged.
 */
import type { FinishOAuthBody } from "@maestro/protocol";
import { AppError } from "../../errors.ts";

/** The code itself, or the code from a pasted redirect URL whose `state` must be this login's. */
export function codeFrom(body: FinishOAuthBody): string {
  const pasted = body.code.trim();
  if (!/^https?:\/\//.test(pasted)) return pasted;
  const url = new URL(pasted);
  const error = url.searchParams.get("error");
  if (error !== null) throw new AppError("OAUTH_FAILED", `The sign-in page answered "${error}": the login was not completed.`);
  if (url.searchParams.get("state") !== body.state) {
    throw new AppError("OAUTH_STATE_INVALID", "The pasted URL belongs to another login (its state does not match).", {
      fields: [{ field: "code", message: "state does not match" }],
    });
  }
  const code = url.searchParams.get("code");
  if (code === null || code === "") {
    throw new AppError("INVALID_REQUEST", "The pasted URL has no code in it.", {
      fields: [{ field: "code", message: "no code parameter" }],
    });
  }
  return code;
}
