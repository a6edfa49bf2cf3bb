/**
 * OAuth logins between start and finish, in Redis for ten minutes under their `state`: what
 * finishing needs (the PKCE verifier, the redirect used, the label to give the credential).
 * An authorization-code login is taken exactly once, so a replayed `state` finds nothing.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";

export const PENDING_LOGIN_TTL_SECONDS = 10 * 60;

export const PendingLoginSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("authorization_code"),
    flow: z.enum(["codex", "mcp"]),
    verifier: z.string(),
    redirect_uri: z.string(),
    label: z.string(),
    /** For `mcp`: the server being authorized. */
    mcp_server_id: z.string().optional(),
    /** Signing in again for an existing credential. */
    credential_id: z.string().optional(),
  }),
  z.object({
    kind: z.literal("device"),
    flow: z.literal("codex"),
    device_auth_id: z.string(),
    user_code: z.string(),
    label: z.string(),
    credential_id: z.string().optional(),
  }),
]);
export type PendingLogin = z.infer<typeof PendingLoginSchema>;

const keyOf = (state: string) => `oauth:pending:${state}`;

export async function savePendingLogin(redis: Redis, state: string, login: PendingLogin): Promise<void> {
  await redis.set(keyOf(state), login, { ex: PENDING_LOGIN_TTL_SECONDS });
}

/** Reads and removes: an authorization code is exchanged at most once per login. */
export async function takePendingLogin(redis: Redis, state: string): Promise<PendingLogin | undefined> {
  const parsed = PendingLoginSchema.safeParse(await redis.getdel(keyOf(state)));
  return parsed.success ? parsed.data : undefined;
}

export async function readPendingLogin(redis: Redis, state: string): Promise<PendingLogin | undefined> {
  const parsed = PendingLoginSchema.safeParse(await redis.get(keyOf(state)));
  return parsed.success ? parsed.data : undefined;
}

export async function dropPendingLogin(redis: Redis, state: string): Promise<void> {
  await redis.del(keyOf(state));
}
