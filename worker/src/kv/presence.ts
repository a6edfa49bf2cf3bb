/**
 * Presence mirrored to Redis: which sessions are open, in how many clients of each kind, and what
 * each is doing. The session's Durable Object owns the truth and hands every change to the session
 * feed, which writes it here (feed/live-states.ts); the session list reads it in one round trip.
 * Entries expire, so a vanished object cannot leave a ghost forever.
 */
import { EMPTY_PRESENCE, PresenceSchema, type Presence, type SessionActivity, SessionActivitySchema } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";

const PRESENCE_TTL_SECONDS = 24 * 60 * 60;

const LiveStateSchema = z.object({ presence: PresenceSchema, activity: SessionActivitySchema });
export type LiveState = z.infer<typeof LiveStateSchema>;

export const IDLE_STATE: LiveState = { presence: EMPTY_PRESENCE, activity: "idle" };

const keyOf = (sessionId: string) => `session:${sessionId}:live`;

/** Several sessions' live states in one round trip; an idle, unwatched session's entry is removed. */
export async function writeLiveStates(redis: Redis, states: ReadonlyMap<string, LiveState>): Promise<void> {
  if (states.size === 0) return;
  const pipeline = redis.pipeline();
  for (const [sessionId, state] of states) {
    if (state.presence.total === 0 && state.activity === "idle") pipeline.del(keyOf(sessionId));
    else pipeline.set(keyOf(sessionId), state, { ex: PRESENCE_TTL_SECONDS });
  }
  await pipeline.exec();
}

/** Live state of many sessions at once; anything missing or unreadable counts as idle and unwatched. */
export async function readLiveStates(redis: Redis, sessionIds: readonly string[]): Promise<Map<string, LiveState>> {
  const states = new Map<string, LiveState>();
  if (sessionIds.length === 0) return states;
  const values = await redis.mget<unknown[]>(...sessionIds.map(keyOf));
  sessionIds.forEach((sessionId, index) => {
    const parsed = LiveStateSchema.safeParse(values[index]);
    states.set(sessionId, parsed.success ? parsed.data : IDLE_STATE);
  });
  return states;
}

export function presenceOf(states: ReadonlyMap<string, LiveState>, sessionId: string): { presence: Presence; activity: SessionActivity } {
  return states.get(sessionId) ?? IDLE_STATE;
}
