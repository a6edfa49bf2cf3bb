/**
 * mcp_servers: remote MCP servers. Their headers may carry secrets, so they are sealed in the
 * vault like credentials; only the header names are readable.
 */
import {
  type CreateMcpServerBody,
  type McpServer,
  type McpServerId,
  McpServerIdSchema,
  McpServerSchema,
  type UpdateMcpServerBody,
  parseJson,
} from "@maestro/protocol";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import type { KeyRing } from "../../auth/key-ring.ts";
import { open, seal } from "../../auth/vault.ts";
import type { Database } from "../client.ts";
import { mcpServers } from "../schema.ts";
import { iso } from "../timestamps.ts";

type McpServerRow = typeof mcpServers.$inferSelect;

/** A server ready to call; `version` changes whenever the row does, so caches keyed on it expire. */
export interface RemoteMcpServerRecord {
  readonly id: string;
  readonly name: string;
  readonly transport: McpServerRow["transport"];
  readonly url: string;
  /** Decrypted only in memory, for this call. */
  readonly headers: Readonly<Record<string, string>>;
  /** The MCP authorization state (registration, tokens), or null for servers without OAuth. */
  readonly oauthState: McpOAuthStateRecord | null;
  readonly version: number;
}

/** Opaque here: mcp/oauth-provider.ts gives it meaning. */
export type McpOAuthStateRecord = Record<string, unknown>;

export const mcpOAuthContext = (id: string) => `mcp_servers:${id}:oauth`;

const HeaderValuesSchema = z.record(z.string(), z.string());
const OAuthStateSchema = z.record(z.string(), z.unknown());

export const mcpHeadersContext = (id: string) => `mcp_servers:${id}`;

function toMcpServer(row: McpServerRow): McpServer {
  return McpServerSchema.parse({
    id: row.id,
    name: row.name,
    transport: row.transport,
    url: row.url,
    header_names: row.headerNames,
    oauth: row.oauthSecret === null ? "none" : row.oauthNeedsLogin ? "needs_login" : "connected",
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

/**
 * The enabled servers a session may use (all of them when `names` is null), with their headers
 * decrypted for this call only. A server whose headers cannot be opened is left out and named.
 */
export async function remoteServersFor(
  db: Database,
  keyRing: KeyRing,
  names: readonly string[] | null,
): Promise<{ servers: RemoteMcpServerRecord[]; unreadable: string[] }> {
  if (names !== null && names.length === 0) return { servers: [], unreadable: [] };
  const rows = await db
    .select()
    .from(mcpServers)
    .where(and(eq(mcpServers.isEnabled, true), names === null ? undefined : inArray(mcpServers.name, [...names])))
    .orderBy(asc(mcpServers.name));
  const servers: RemoteMcpServerRecord[] = [];
  const unreadable: string[] = [];
  for (const row of rows) {
    const headers = await openHeaders(keyRing, row);
    if (headers === undefined) unreadable.push(row.name);
    else servers.push({ ...(await recordOf(keyRing, row)), headers });
  }
  return { servers, unreadable };
}

export async function getRemoteServer(db: Database, keyRing: KeyRing, id: McpServerId): Promise<RemoteMcpServerRecord | undefined> {
  const [row] = await db.select().from(mcpServers).where(eq(mcpServers.id, id));
  if (row === undefined) return undefined;
  const headers = await openHeaders(keyRing, row);
  if (headers === undefined) throw new Error("MCP server headers cannot be decrypted");
  return { ...(await recordOf(keyRing, row)), headers };
}

async function recordOf(keyRing: KeyRing, row: McpServerRow): Promise<Omit<RemoteMcpServerRecord, "headers">> {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport,
    url: row.url,
    oauthState: await openOAuthState(keyRing, row),
    version: row.updatedAt.getTime(),
  };
}

async function openOAuthState(keyRing: KeyRing, row: McpServerRow): Promise<McpOAuthStateRecord | null> {
  if (row.oauthSecret === null) return null;
  const opened = await open(keyRing, row.oauthSecret, mcpOAuthContext(row.id));
  const parsed = opened.ok ? parseJson(opened.value) : undefined;
  const state = parsed?.ok === true ? OAuthStateSchema.safeParse(parsed.value) : undefined;
  return state?.success === true ? state.data : {};
}

/** Keeps a server's OAuth state (sealed). `needsLogin` says the user must sign in again. */
export async function saveMcpOAuthState(
  db: Database,
  keyRing: KeyRing,
  id: string,
  state: McpOAuthStateRecord,
  needsLogin: boolean,
): Promise<void> {
  await db
    .update(mcpServers)
    .set({ oauthSecret: await seal(keyRing, JSON.stringify(state), mcpOAuthContext(id)), oauthNeedsLogin: needsLogin })
    .where(eq(mcpServers.id, id));
}

/** Enabled servers signed in through the MCP authorization flow, and not waiting for a new login. */
export async function signedInMcpServerIds(db: Database): Promise<McpServerId[]> {
  const rows = await db
    .select({ id: mcpServers.id })
    .from(mcpServers)
    .where(and(eq(mcpServers.isEnabled, true), isNotNull(mcpServers.oauthSecret), eq(mcpServers.oauthNeedsLogin, false)));
  return rows.map((row) => McpServerIdSchema.parse(row.id));
}

export async function markMcpNeedsLogin(db: Database, id: string): Promise<void> {
  await db.update(mcpServers).set({ oauthNeedsLogin: true }).where(eq(mcpServers.id, id));
}

export async function getMcpServer(db: Database, id: McpServerId): Promise<McpServer | undefined> {
  const [row] = await db.select().from(mcpServers).where(eq(mcpServers.id, id));
  return row === undefined ? undefined : toMcpServer(row);
}

async function openHeaders(keyRing: KeyRing, row: McpServerRow): Promise<Record<string, string> | undefined> {
  if (row.headersSecret === null) return {};
  const opened = await open(keyRing, row.headersSecret, mcpHeadersContext(row.id));
  if (!opened.ok) return undefined;
  const parsed = parseJson(opened.value);
  const headers = parsed.ok ? HeaderValuesSchema.safeParse(parsed.value) : undefined;
  return headers?.success === true ? headers.data : undefined;
}
