/**
 * tools: the registry's rows. Built-in tools come from protocol's BUILTIN_TOOLS and are synced
 * on read (their definition follows the code; the user's enable and approval choices are kept).
 */
import {
  BUILTIN_TOOLS,
  type BuiltinToolName,
  builtinToolInputSchema,
  type CreateToolBody,
  type Tool,
  type ToolId,
  ToolSchema,
  type UpdateToolBody,
} from "@maestro/protocol";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { workerTools } from "../../tools/builtin/index.ts";
import type { Database } from "../client.ts";
import { tools } from "../schema.ts";
import { iso } from "../timestamps.ts";

type ToolRow = typeof tools.$inferSelect;

/** A registry row as a turn needs it. */
export type RegistryTool = Pick<ToolRow, "name" | "description" | "kind" | "source" | "approval" | "inputSchema">;

function toTool(row: ToolRow): Tool {
  return ToolSchema.parse({
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    source: row.source,
    builtin: row.builtin,
    input_schema: row.inputSchema,
    is_enabled: row.isEnabled,
    approval: row.approval,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  });
}

/** Every built-in: the local agent's (from protocol) and the Worker's own. */
function builtinRows() {
  const local = (Object.keys(BUILTIN_TOOLS) as BuiltinToolName[]).map((name) => ({
    name,
    description: BUILTIN_TOOLS[name].description,
    kind: BUILTIN_TOOLS[name].kind,
    source: "local" as const,
    builtin: true,
    inputSchema: builtinToolInputSchema(name),
  }));
  const worker = Object.values(workerTools).map((tool) => ({
    name: tool.name,
    description: tool.description,
    kind: tool.kind,
    source: "worker" as const,
    builtin: true,
    inputSchema: z.toJSONSchema(tool.params, { target: "draft-2020-12" }),
  }));
  return [...local, ...worker];
}

/** Insert missing built-ins and refresh the definitions of existing ones, in one statement. */
export async function syncBuiltinTools(db: Database): Promise<void> {
  await db
    .insert(tools)
    .values(builtinRows())
    .onConflictDoUpdate({
      target: tools.name,
      set: {
        description: sql`excluded.description`,
        kind: sql`excluded.kind`,
        source: sql`excluded.source`,
        inputSchema: sql`excluded.input_schema`,
        builtin: sql`true`,
      },
      setWhere: sql`${tools.builtin} = true`,
    });
}

export async function listTools(db: Database): Promise<Tool[]> {
  await syncBuiltinTools(db);
  const rows = await db.select().from(tools).orderBy(desc(tools.builtin), asc(tools.name));
  return rows.map(toTool);
}

/** Every tool name the registry has, enabled or not (built-ins synced first, once per isolate). */
export async function registryToolNames(db: Database): Promise<Set<string>> {
  await builtinsSyncedOnce(db);
  const rows = await db.select({ name: tools.name }).from(tools);
  return new Set(rows.map((row) => row.name));
}

export async function getTool(db: Database, id: ToolId): Promise<Tool | undefined> {
  const [row] = await db.select().from(tools).where(eq(tools.id, id));
  return row === undefined ? undefined : toTool(row);
}

/** Throws a unique violation when the name is taken (the route turns it into CONFLICT). */
export async function createTool(db: Database, body: CreateToolBody): Promise<Tool> {
  const [row] = await db
    .insert(tools)
    .values({
      name: body.name,
      description: body.description,
      kind: body.kind,
      source: body.source,
      inputSchema: body.input_schema,
      isEnabled: body.is_enabled ?? true,
      approval: body.approval ?? "default",
    })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return toTool(row);
}

export async function updateTool(db: Database, id: ToolId, body: UpdateToolBody): Promise<Tool | undefined> {
  const [row] = await db
    .update(tools)
    .set({
      ...(body.description !== undefined && { description: body.description }),
      ...(body.is_enabled !== undefined && { isEnabled: body.is_enabled }),
      ...(body.approval !== undefined && { approval: body.approval }),
      updatedAt: new Date(),
    })
    .where(eq(tools.id, id))
    .returning();
  return row === undefined ? undefined : toTool(row);
}

export async function deleteTool(db: Database, id: ToolId): Promise<boolean> {
  const rows = await db.delete(tools).where(eq(tools.id, id)).returning({ id: tools.id });
  return rows.length > 0;
}

/**
 * Whether this isolate has already written the built-in definitions (they follow the code, so
 * once per isolate is enough). A cache of database state, not per-request state: it only saves
 * an upsert on every turn.
 */
let builtinsSynced: Promise<void> | undefined;

function builtinsSyncedOnce(db: Database): Promise<void> {
  builtinsSynced ??= syncBuiltinTools(db).catch((error: unknown) => {
    builtinsSynced = undefined;
    throw error;
  });
  return builtinsSynced;
}

/**
 * The tools a session may offer the model: enabled globally, and named in the session's
 * `enabled_tools` when it has a list (null means every enabled tool).
 */
export async function toolsForSession(db: Database, enabledTools: readonly string[] | null): Promise<RegistryTool[]> {
  await builtinsSyncedOnce(db);
  if (enabledTools !== null && enabledTools.length === 0) return [];
  const rows = await db
    .select()
    .from(tools)
    .where(and(eq(tools.isEnabled, true), enabledTools === null ? undefined : inArray(tools.name, [...enabledTools])))
    .orderBy(asc(tools.name));
  return rows.map((row) => ({
    name: row.name,
    description: row.description,
    kind: row.kind,
    source: row.source,
    approval: row.approval,
    inputSchema: row.inputSchema,
  }));
}
