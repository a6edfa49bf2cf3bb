/**
 * Tool definitions as the registry keeps them (DESIGN §3): built-in ones are seeded and can be
 * disabled but not deleted; `approval` overrides what the session's approval mode would decide.
 */
import { z } from "zod";
import { JsonSchemaObjectSchema, TimestampSchema, ToolKindSchema, ToolNameSchema } from "../common.ts";
import { ToolIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";

/** Where a tool runs: the user's machine (local agent), the Worker itself, or an MCP server. */
export const ToolSourceSchema = z.enum(["local", "worker", "mcp"]);
export type ToolSource = z.infer<typeof ToolSourceSchema>;

/** `default`: the session's approval mode and the tool's kind decide; `ask`/`auto` override. */
export const ToolApprovalSchema = z.enum(["default", "ask", "auto"]);
export type ToolApproval = z.infer<typeof ToolApprovalSchema>;

const DescriptionSchema = z.string().min(1).max(10_000);

export const CreateToolBodySchema = z.strictObject({
  name: ToolNameSchema,
  description: DescriptionSchema,
  kind: ToolKindSchema,
  source: z.enum(["local", "mcp"]),
  input_schema: JsonSchemaObjectSchema,
  is_enabled: z.boolean().optional(),
  approval: ToolApprovalSchema.optional(),
});
export type CreateToolBody = z.infer<typeof CreateToolBodySchema>;

export const UpdateToolBodySchema = z
  .strictObject({
    description: DescriptionSchema.optional(),
    is_enabled: z.boolean().optional(),
    approval: ToolApprovalSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" });
export type UpdateToolBody = z.infer<typeof UpdateToolBodySchema>;

export const ToolSchema = z.object({
  id: ToolIdSchema,
  name: z.string(),
  description: z.string(),
  kind: ToolKindSchema,
  source: ToolSourceSchema,
  builtin: z.boolean(),
  input_schema: JsonSchemaObjectSchema,
  is_enabled: z.boolean(),
  approval: ToolApprovalSchema,
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Tool = z.infer<typeof ToolSchema>;

export const ToolListSchema = listOf(ToolSchema);
export type ToolList = z.infer<typeof ToolListSchema>;
