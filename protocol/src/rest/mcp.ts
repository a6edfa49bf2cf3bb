/**
 * Remote MCP servers the Worker calls (Streamable HTTP or SSE). Their tools reach the model as
 * `<name>__<tool>`, so a name is a short slug. Headers may hold secrets: they are stored
 * encrypted and only their names come back.
 */
import { z } from "zod";
import { JsonSchemaObjectSchema, McpServerNameSchema, TimestampSchema, ToolKindSchema } from "../common.ts";
import { McpServerIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";
import { HttpUrlSchema } from "./credentials.ts";

export const McpTransportSchema = z.enum(["streamable_http", "sse"]);
export type McpTransport = z.infer<typeof McpTransportSchema>;

const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "not a valid header name");
const HeadersSchema = z.record(HeaderNameSchema, z.string().max(8192));

export const CreateMcpServerBodySchema = z.strictObject({
  name: McpServerNameSchema,
  transport: McpTransportSchema,
  url: HttpUrlSchema,
  headers: HeadersSchema.optional(),
  is_enabled: z.boolean().optional(),
});
export type CreateMcpServerBody = z.infer<typeof CreateMcpServerBodySchema>;

export const UpdateMcpServerBodySchema = z
  .strictObject({
    name: McpServerNameSchema.optional(),
    transport: McpTransportSchema.optional(),
    url: HttpUrlSchema.optional(),
    headers: HeadersSchema.nullable().optional(),
    is_enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" });
export type UpdateMcpServerBody = z.infer<typeof UpdateMcpServerBodySchema>;

export const McpServerSchema = z.object({
  id: McpServerIdSchema,
  name: z.string(),
  transport: McpTransportSchema,
  url: z.string(),
  /** Names of the stored headers; their values are secret and never returned. */
  header_names: z.array(z.string()),
  /**
   * The MCP authorization flow: `none` (not used), `connected` (signed in; tokens stored
   * encrypted and refreshed as needed), `needs_login` (POST /oauth/mcp/start again).
   */
  oauth: z.enum(["none", "connected", "needs_login"]),
  is_enabled: z.boolean(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type McpServer = z.infer<typeof McpServerSchema>;

export const McpServerListSchema = listOf(McpServerSchema);
export type McpServerList = z.infer<typeof McpServerListSchema>;

/** What a server offers, as the model sees it (`<server>__<tool>`), from `GET /mcp-servers/:id/tools`. */
export const McpServerToolListSchema = listOf(
  z.object({
    name: z.string(),
    /** The tool's own name on its server. */
    server_tool: z.string(),
    description: z.string(),
    kind: ToolKindSchema,
    input_schema: JsonSchemaObjectSchema,
  }),
);
export type McpServerToolList = z.infer<typeof McpServerToolListSchema>;
