/**
 * MCP tools as The Maestro presents them, the same for remote servers (Worker) and stdio servers
 * (local agent): named `<server>__<tool>` for the model, a kind from their annotations, and their
 * results turned into a ToolOutcome. Server names cannot contain a double underscore
 * (McpServerNameSchema), so the first `__` always splits a name back apart.
 */
import type { ToolOutcome } from "./tool-outcome.ts";

export const MCP_TOOL_SEPARATOR = "__";

export function mcpToolName(server: string, tool: string): string {
  return `${server}${MCP_TOOL_SEPARATOR}${tool}`;
}

/** The server and the server's own tool name, or undefined for a name that is not an MCP tool's. */
export function splitMcpToolName(name: string): { readonly server: string; readonly tool: string } | undefined {
  const at = name.indexOf(MCP_TOOL_SEPARATOR);
  if (at <= 0 || at + MCP_TOOL_SEPARATOR.length >= name.length) return undefined;
  return { server: name.slice(0, at), tool: name.slice(at + MCP_TOOL_SEPARATOR.length) };
}

/**
 * The kind of an MCP tool, from its annotations: read-only tools are `read`; anything else may
 * change the world and is `execute`, so the session's approval mode applies to it.
 */
export function mcpToolKind(annotations: { readonly readOnlyHint?: boolean } | undefined): "read" | "execute" {
  return annotations?.readOnlyHint === true ? "read" : "execute";
}

/** The parts of an MCP `CallToolResult` that are read (SDK-independent, so protocol stays zod-only). */
export interface McpCallResult {
  readonly content?: readonly { readonly type: string; readonly text?: string; readonly mimeType?: string; readonly uri?: string }[];
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
}

/** Text parts verbatim; other parts named so the model knows they were there. */
export function mcpResultToOutcome(result: McpCallResult): ToolOutcome {
  const parts = (result.content ?? []).map((part) => {
    if (part.type === "text") return part.text ?? "";
    if (part.type === "resource_link" || part.type === "resource") return `[${part.type}: ${part.uri ?? "?"}]`;
    return `[${part.type}${part.mimeType === undefined ? "" : `: ${part.mimeType}`}]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const output = parts.join("\n");
  if (result.isError === true)
    return { ok: false, code: "MCP_ERROR", message: output || "The MCP tool reported an error.", recoverable: true };
  return { ok: true, output };
}
