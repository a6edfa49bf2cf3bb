/**
 * Which sessions keep a turn's inputs warm (turn-cache.ts), so that whoever changes a tool, an
 * MCP server, a credential or a local agent can tell exactly those sessions, not every session
 * the user ever made (most of them hibernated). A Redis sorted set: member the session id,
 * score when it registered.
 *
 * No lost invalidation: a session registers BEFORE it reads what it caches, and a writer reads
 * the set AFTER its write is committed, so either the session's read sees the write or the
 * writer sees the registration. A session trusts its cache for TRUST_MS after registering;
 * writers look WARM_FOR_MS back, a minute more, for clocks that differ between isolates.
 */
import type { SessionId } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";

const KEY = "sessions:warm";
/** How long a session trusts its warm inputs after registering; then it checks them again. */
export const TRUST_MS = 9 * 60_000;
/** How far back a writer looks: registrations older than this are forgotten. */
export const WARM_FOR_MS = TRUST_MS + 60_000;

// Each pair of commands below is one request (a pipeline): the client sends every command on
// its own otherwise (kv/redis.ts).

export async function registerWarm(redis: Redis, sessionId: SessionId, now: number): Promise<void> {
  // Forgetting the stale ones here too keeps the set small where nothing is ever changed.
  await forgetStale(redis.pipeline().zadd(KEY, { score: now, member: sessionId }), now).exec();
}

/** The sessions registered within WARM_FOR_MS; older entries are dropped on the way. */
export async function warmSessionIds(redis: Redis, now: number): Promise<string[]> {
  const pipeline = redis.pipeline().zrange<string[]>(KEY, now - WARM_FOR_MS, Number.MAX_SAFE_INTEGER, { byScore: true });
  const [ids] = await forgetStale(pipeline, now).exec<[string[], number]>();
  return ids;
}

function forgetStale<P extends ReturnType<Redis["pipeline"]>>(pipeline: P, now: number): P {
  return pipeline.zremrangebyscore(KEY, "-inf", `(${now - WARM_FOR_MS}`) as P;
}
