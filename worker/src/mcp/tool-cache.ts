/**
 * MCP tool lists cached in Redis for five minutes (DESIGN §3), so a turn does not open a
 * connection to every server before the model is called. A server that could not be reached is
 * remembered for a minute too: a host that drops packets would otherwise hold every turn for the
 * whole connect timeout. The key carries the server row's version, so editing a server makes
 * either answer unreachable at once. Redis being down only costs the cache, never the turn.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import type { Logger } from "../log.ts";
import { type McpToolSpec, McpUnavailableError } from "./client.ts";

const TTL_SECONDS = 5 * 60;
const UNREACHABLE_TTL_SECONDS = 60;

const CachedToolsSchema = z.array(
  z.object({
    name: z.string(),
    description: z.string(),
    kind: z.enum(["read", "edit", "execute", "fetch"]),
    inputSchema: z.record(z.string(), z.unknown()),
  }),
);

/** What was said when the server could not be reached, kept in place of its list. */
const UnreachableSchema = z.object({ unreachable: z.string() });

interface ServerVersion {
  readonly id: string;
  readonly version: number;
}

const keyOf = (server: ServerVersion) => `mcp:tools:${server.id}:${server.version}`;

export async function cachedServerTools(
  redis: Redis,
  server: ServerVersion,
  load: () => Promise<McpToolSpec[]>,
  log: Logger,
): Promise<McpToolSpec[]> {
  const key = keyOf(server);
  const cached = await redis.get<unknown>(key).catch((error: unknown) => {
    log.warn("mcp.cache_read_failed", { mcp_server_id: server.id, error });
    return null;
  });
  const tools = CachedToolsSchema.safeParse(cached);
  if (tools.success) return tools.data;
  const down = UnreachableSchema.safeParse(cached);
  if (down.success) throw new McpUnavailableError(down.data.unreachable, { cause: "remembered as unreachable" });
  try {
    const loaded = await load();
    await remember(redis, key, loaded, TTL_SECONDS, log);
    return loaded;
  } catch (error) {
    // A server waiting for a sign-in is not remembered: the sign-in should work at once.
    if (error instanceof McpUnavailableError && !error.needsLogin)
      await remember(redis, key, { unreachable: error.message }, UNREACHABLE_TTL_SECONDS, log);
    throw error;
  }
}

/** A list fetched on purpose (the "test" button) replaces whatever the turns remembered. */
export async function rememberServerTools(redis: Redis, server: ServerVersion, tools: McpToolSpec[], log: Logger): Promise<void> {
  await remember(redis, keyOf(server), tools, TTL_SECONDS, log);
}

async function remember(redis: Redis, key: string, value: unknown, seconds: number, log: Logger): Promise<void> {
  await redis.set(key, value, { ex: seconds }).catch((error: unknown) => {
    log.warn("mcp.cache_write_failed", { key, error });
  });
}
