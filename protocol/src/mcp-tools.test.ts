// Proves: MCP tool names round-trip through `<server>__<tool>` even when the tool's own name has
// underscores; the name the model sees is one every provider accepts (64 safe characters, stable,
// distinct); names without a server part are not mistaken for MCP tools; and results become
// outcomes the model can read (errors stay errors, non-text parts are named).
import { describe, expect, it } from "vitest";
import { mcpResultToOutcome, mcpToolKind, mcpToolName, modelToolName, splitMcpToolName } from "./mcp-tools.ts";

describe("MCP tool names", () => {
  it("round-trips server and tool", () => {
    expect(splitMcpToolName(mcpToolName("everything", "get_sum"))).toEqual({ server: "everything", tool: "get_sum" });
    expect(splitMcpToolName(mcpToolName("fs", "read__twice"))).toEqual({ server: "fs", tool: "read__twice" });
  });

  it("refuses names that are not MCP tool names", () => {
    for (const name of ["read_file", "__echo", "everything__", "plain"]) expect(splitMcpToolName(name)).toBeUndefined();
  });

  it("gives the model the exact name when every provider accepts it", () => {
    expect(modelToolName("everything", "get-sum")).toBe("everything__get-sum");
    expect(modelToolName("1password", "read")).toBe("_1password__read");
  });

  it("fits a name no provider would accept into 64 safe characters, stably and without collisions", () => {
    const server = "a-rather-long-server-name-for-the-team-wiki";
    const long = modelToolName(server, "search-pages-by-title-and-body");
    expect(long).toMatch(/^[A-Za-z_][A-Za-z0-9_-]{63}$/);
    expect(long.startsWith(`${server}__search`)).toBe(true);
    expect(modelToolName(server, "search-pages-by-title-and-body")).toBe(long);
    expect(modelToolName(server, "search-pages-by-title-and-tags")).not.toBe(long);

    const dotted = modelToolName("fs", "files.read");
    expect(dotted).toMatch(/^fs__files_read_[0-9a-f]{8}$/);
    expect(modelToolName("fs", "files_read")).toBe("fs__files_read");
  });

  it("reads only a read-only hint as read", () => {
    expect(mcpToolKind({ readOnlyHint: true })).toBe("read");
    expect(mcpToolKind({ readOnlyHint: false })).toBe("execute");
    expect(mcpToolKind(undefined)).toBe("execute");
  });
});

describe("MCP results", () => {
  it("joins text and names other parts", () => {
    const outcome = mcpResultToOutcome({
      content: [
        { type: "text", text: "Echo: hi" },
        { type: "image", mimeType: "image/png" },
        { type: "resource_link", uri: "file:///a.txt" },
      ],
    });
    expect(outcome).toEqual({ ok: true, output: "Echo: hi\n[image: image/png]\n[resource_link: file:///a.txt]" });
  });

  it("keeps an error an error, and falls back to structured content", () => {
    expect(mcpResultToOutcome({ content: [{ type: "text", text: "no such file" }], isError: true })).toEqual({
      ok: false,
      code: "MCP_ERROR",
      message: "no such file",
      recoverable: true,
    });
    expect(mcpResultToOutcome({ structuredContent: { sum: 5 } })).toEqual({ ok: true, output: '{"sum":5}' });
  });
});
