/**
 * mcp_servers: remote MCP servers. Their headers may carry secrets, so they are sealed in the
 * vault like credentials; only the header names are readable.
 */
import { type CreateMcpServerBody, type McpServer, type McpServerId, McpServerSchema, type UpdateMcpServerBody } from "@maestro/protocol";
import { asc, eq } from "drizzle-orm";
import type { KeyRing } from "../../auth/key-ring.ts";
import { seal } from "../../auth/vault.ts";
import type { Database } from "../client.ts";
import { mcpServers } from "../schema.ts";
import { iso } from "../timestamps.ts";

type McpServerRow = typeof mcpServers.$inferSelect;

export const mcpHeadersContext = (id: string) => `mcp_servers:${id}`;

function toMcpServer(row: McpServerRow): McpServer {
  return McpServerSchema.parse({
    id: row.id,
    name: row.name,
    transport: row.transport,
    url: row.url,
    header_names: row.headerNames,
    is_enabled: row.isEnabled,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  });
}

async function sealHeaders(keyRing: KeyRing, id: string, headers: Record<string, string> | null | undefined) {
  if (headers === null || headers === undefined || Object.keys(headers).length === 0) {
    return { headersSecret: null, headerNames: [] };
  }
  return { headersSecret: await seal(keyRing, JSON.stringify(headers), mcpHeadersContext(id)), headerNames: Object.keys(headers) };
}

/** Throws a unique violation when the name is taken. */
export async function createMcpServer(db: Database, keyRing: KeyRing, body: CreateMcpServerBody): Promise<McpServer> {
  const id = crypto.randomUUID();
  const [row] = await db
    .insert(mcpServers)
    .values({
      id,
      name: body.name,
      transport: body.transport,
      url: body.url,
      isEnabled: body.is_enabled ?? true,
      ...(await sealHeaders(keyRing, id, body.headers)),
    })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return toMcpServer(row);
}

export async function listMcpServers(db: Database): Promise<McpServer[]> {
  const rows = await db.select().from(mcpServers).orderBy(asc(mcpServers.name));
  return rows.map(toMcpServer);
}

export async function updateMcpServer(
  db: Database,
  keyRing: KeyRing,
  id: McpServerId,
  body: UpdateMcpServerBody,
): Promise<McpServer | undefined> {
  const [row] = await db
    .update(mcpServers)
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.transport !== undefined && { transport: body.transport }),
      ...(body.url !== undefined && { url: body.url }),
      ...(body.is_enabled !== undefined && { isEnabled: body.is_enabled }),
      ...(body.headers !== undefined && (await sealHeaders(keyRing, id, body.headers))),
      updatedAt: new Date(),
    })
    .where(eq(mcpServers.id, id))
    .returning();
  return row === undefined ? undefined : toMcpServer(row);
}

export async function deleteMcpServer(db: Database, id: McpServerId): Promise<boolean> {
  const rows = await db.delete(mcpServers).where(eq(mcpServers.id, id)).returning({ id: mcpServers.id });
  return rows.length > 0;
}
