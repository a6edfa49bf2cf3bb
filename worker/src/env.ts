/**
 * The Worker's configuration: bindings from wrangler.toml and secrets/vars validated once per
 * `env` object. A bad or missing value fails with CONFIG_INVALID naming the key, never its value.
 */
import { z } from "zod";
import { AppError } from "./errors.ts";
import { parseKeyRing, type KeyRing } from "./auth/key-ring.ts";
import { type RatePolicy, ratePolicySetting } from "./rate-limit/policy.ts";

/**
 * The bindings, vars and secrets wrangler gives the Worker: generated from wrangler.toml and
 * worker/env.example by `npm run types` (wrangler types), and checked in CI, so a binding added to
 * wrangler.toml is typed here without a hand-written copy. What each setting means, and its
 * default, is in EnvSchema below and the README's Settings table.
 */
export type Env = WorkerEnv;

// Empty strings count as missing (t3-env's emptyStringAsUndefined): no `?? ''` fallbacks.
const present = (schema: z.ZodString) => z.preprocess((value) => (value === "" ? undefined : value), schema);

const EnvSchema = z.object({
  MAESTRO_API_TOKEN: present(z.string().min(16, "must be at least 16 characters")),
  MAESTRO_ENCRYPTION_KEYS: present(z.string().min(1)),
  DATABASE_URL: present(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
  UPSTASH_REDIS_REST_URL: present(z.string().regex(/^https?:\/\//, "must be an http(s) URL")),
  UPSTASH_REDIS_REST_TOKEN: present(z.string().min(1)),
  NEON_LOCAL_WS_PROXY: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/, "must be a loopback host:port")
      .optional(),
  ),
  MAESTRO_APPROVAL_TIMEOUT_MS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(100).max(86_400_000).default(300_000),
  ),
  MAESTRO_CODEX_ISSUER: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^https?:\/\/[^/]+$/, "must be an http(s) origin")
      .default("https://auth.openai.com"),
  ),
  MAESTRO_OAUTH_TIMEOUT_MS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(100).max(120_000).default(30_000),
  ),
  MAESTRO_STREAM_IDLE_TIMEOUT_MS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(100).max(3_600_000).default(300_000),
  ),
  MAESTRO_STREAM_CONNECT_TIMEOUT_MS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(100).max(600_000).default(60_000),
  ),
  MAESTRO_COMPACT_AT: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().min(0.1).max(0.99).default(0.85)),
  // Strict, per client address: enough for a person who mistypes, not for a guesser.
  MAESTRO_SIGN_IN_RATE_LIMIT: ratePolicySetting("10/1m"),
  // Generous, per principal: dozens of sessions, scripts and open pages (polling every 3 s) stay far below it.
  MAESTRO_API_RATE_LIMIT: ratePolicySetting("3000/1m"),
});

export interface Config {
  readonly apiToken: string;
  readonly keyRing: KeyRing;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisToken: string;
  readonly localWsProxy: string | undefined;
  readonly approvalTimeoutMs: number;
  readonly codexIssuer: string;
  readonly oauthTimeoutMs: number;
  readonly streamTimeouts: { readonly connectMs: number; readonly idleMs: number };
  readonly compactAt: number;
  /** `undefined`: that limit is off. */
  readonly rateLimits: { readonly signIn: RatePolicy | undefined; readonly api: RatePolicy | undefined };
}

// Keyed by the env object itself: one parse per isolate and binding set, nothing per request.
const configs = new WeakMap<object, Config>();

export function getConfig(env: Env): Config {
  const cached = configs.get(env);
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new AppError("CONFIG_INVALID", "The server is misconfigured.", {
      internal: `invalid or missing configuration: ${keys.join(", ")}`,
    });
  }
  const keyRing = parseKeyRing(parsed.data.MAESTRO_ENCRYPTION_KEYS);
  if (!keyRing.ok) {
    throw new AppError("CONFIG_INVALID", "The server is misconfigured.", {
      internal: `MAESTRO_ENCRYPTION_KEYS: ${keyRing.error}`,
    });
  }
  const config: Config = {
    apiToken: parsed.data.MAESTRO_API_TOKEN,
    keyRing: keyRing.value,
    databaseUrl: parsed.data.DATABASE_URL,
    redisUrl: parsed.data.UPSTASH_REDIS_REST_URL,
    redisToken: parsed.data.UPSTASH_REDIS_REST_TOKEN,
    localWsProxy: parsed.data.NEON_LOCAL_WS_PROXY,
    approvalTimeoutMs: parsed.data.MAESTRO_APPROVAL_TIMEOUT_MS,
    codexIssuer: parsed.data.MAESTRO_CODEX_ISSUER,
    oauthTimeoutMs: parsed.data.MAESTRO_OAUTH_TIMEOUT_MS,
    streamTimeouts: { connectMs: parsed.data.MAESTRO_STREAM_CONNECT_TIMEOUT_MS, idleMs: parsed.data.MAESTRO_STREAM_IDLE_TIMEOUT_MS },
    compactAt: parsed.data.MAESTRO_COMPACT_AT,
    rateLimits: { signIn: parsed.data.MAESTRO_SIGN_IN_RATE_LIMIT, api: parsed.data.MAESTRO_API_RATE_LIMIT },
  };
  configs.set(env, config);
  return config;
}
