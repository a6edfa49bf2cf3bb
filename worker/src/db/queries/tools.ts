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
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { tools } from "../schema.ts";
import { iso } from "../timestamps.ts";

type ToolRow = typeof tools.$inferSelect;

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

/** Insert missing built-ins and refresh the definitions of existing ones, in one statement. */
export async function syncBuiltinTools(db: Database): Promise<void> {
  const names = Object.keys(BUILTIN_TOOLS) as BuiltinToolName[];
  await db
    .insert(tools)
    .values(
      names.map((name) => ({
        name,
        description: BUILTIN_TOOLS[name].description,
        kind: BUILTIN_TOOLS[name].kind,
        source: "local" as const,
        builtin: true,
        inputSchema: builtinToolInputSchema(name),
      })),
    )
    .onConflictDoUpdate({
      target: tools.name,
      set: {
        description: sql`excluded.description`,
        kind: sql`excluded.kind`,
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
