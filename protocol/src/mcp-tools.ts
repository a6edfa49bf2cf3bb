/**
 * MCP tools as The Maestro presents them, the same for remote servers (Worker) and stdio servers
 * (local agent): named `<server>__<tool>` for the model, a kind from their annotations, and their
 * results turned into a ToolOutcome. Server names cannot contain a double underscore
 * (McpServerNameSchema), so the first `__` always splits a name back apart.
 */
import type { ToolOutcome } from "./tool-outcome.ts";

export const MCP_TOOL_SEPARATOR = "__";

/** The name a call is routed by: `<server>__<tool>`, exactly, whatever the tool is called. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}${MCP_TOOL_SEPARATOR}${tool}`;
}

/**
 * What every provider accepts as a function name: Anthropic and OpenAI take `[A-Za-z0-9_-]{1,64}`,
 * and Gemini also wants a letter or `_` first.
 */
const MODEL_TOOL_NAME_MAX = 64;
const MODEL_TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/**
 * The name the model sees for an MCP tool: `<server>__<tool>` when every provider accepts it as a
 * function name, as it nearly always is; with a `_` in front when only its first character is the
 * trouble (a server named `1password`). Otherwise the characters no provider accepts become `_`,
 * and the name is cut to fit and ends in a hash of the exact name, so it stays stable across turns
 * and cannot collide with its neighbours. The call itself is routed by the exact name
 * (`mcpToolName`), never by this one.
 */
export function modelToolName(server: string, tool: string): string {
  const exact = mcpToolName(server, tool);
  if (MODEL_TOOL_NAME.test(exact)) return exact;
  const led = /^[A-Za-z_]/.test(exact) ? exact : `_${exact}`;
  if (MODEL_TOOL_NAME.test(led)) return led;
  const suffix = `_${fnv1a(exact)}`;
  return `${led.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MODEL_TOOL_NAME_MAX - suffix.length)}${suffix}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: a small stable hash that needs no async crypto. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
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
