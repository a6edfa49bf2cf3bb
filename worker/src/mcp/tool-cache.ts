/**
 * MCP tool lists cached in Redis for five minutes (DESIGN §3), so a turn does not open a
 * connection to every server before the model is called. The key carries the server row's
 * version: editing a server makes its cached list unreachable at once. Redis being down only
 * costs the cache, never the turn.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import type { Logger } from "../log.ts";
import type { McpToolSpec } from "./client.ts";

const TTL_SECONDS = 5 * 60;

const CachedToolsSchema = z.array(
  z.object({
    name: z.string(),
    description: z.string(),
    kind: z.enum(["read", "edit", "execute", "fetch"]),
    inputSchema: z.record(z.string(), z.unknown()),
  }),
);

const keyOf = (server: { id: string; version: number }) => `mcp:tools:${server.id}:${server.version}`;

export async function cachedServerTools(
  redis: Redis,
  server: { readonly id: string; readonly version: number },
  load: () => Promise<McpToolSpec[]>,
  log: Logger,
): Promise<McpToolSpec[]> {
  const key = keyOf(server);
  const cached = await redis.get<unknown>(key).catch((error: unknown) => {
    log.warn("mcp.cache_read_failed", { mcp_server_id: server.id, error });
    return null;
  });
  const parsed = CachedToolsSchema.safeParse(cached);
  if (parsed.success) return parsed.data;
  const tools = await load();
  await redis.set(key, tools, { ex: TTL_SECONDS }).catch((error: unknown) => {
    log.warn("mcp.cache_write_failed", { mcp_server_id: server.id, error });
  });
  return tools;
}
