// Proves: stdio MCP servers from the agent's config start with the real server-everything, their
// tools are listed for `register` with kinds from their annotations, calls reach them by
// `<server>__<tool>`, a server's own error stays an error, and a server that cannot start is
// left out without stopping the others.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { StdioMcpServers } from "./stdio-servers.ts";

const everything = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");
const lines: string[] = [];
let servers: StdioMcpServers;

beforeAll(async () => {
  servers = await StdioMcpServers.start(
    [
      { name: "everything", command: process.execPath, args: [everything, "stdio"] },
      { name: "broken", command: "/nonexistent/mcp-server", args: [] },
    ],
    createLogger((line) => lines.push(line)),
  );
}, 60_000);

afterAll(async () => servers.close());

describe("stdio MCP servers", () => {
  it("lists the servers that started, with their tools", () => {
    const specs = servers.specs();
    expect(specs.map((spec) => spec.name)).toEqual(["everything"]);
    const echo = specs[0]?.tools.find((tool) => tool.name === "echo");
    expect(echo).toMatchObject({ kind: expect.stringMatching(/^(read|execute)$/), input_schema: { type: "object" } });
    expect(lines.some((line) => line.includes("mcp.start_failed") && line.includes("server=broken"))).toBe(true);
  });

  it("routes `<server>__<tool>` to the server and returns its answer", async () => {
    expect(servers.owns("everything__echo")).toBe(true);
    expect(servers.owns("broken__echo")).toBe(false);
    expect(servers.owns("read_file")).toBe(false);
    const signal = new AbortController().signal;
    expect(await servers.call("everything__echo", { message: "hi" }, signal, 10_000)).toEqual({ ok: true, output: "Echo: hi" });
    expect(await servers.call("everything__get-sum", { a: 2, b: 3 }, signal, 10_000)).toMatchObject({
      ok: true,
      output: expect.stringContaining("5"),
    });
  });

  it("reports a refused call as MCP_ERROR and an unknown server as TOOL_NOT_FOUND", async () => {
    const signal = new AbortController().signal;
    expect(await servers.call("everything__no-such-tool", {}, signal, 10_000)).toMatchObject({ ok: false, code: "MCP_ERROR" });
    expect(await servers.call("nobody__echo", {}, signal, 10_000)).toMatchObject({ ok: false, code: "TOOL_NOT_FOUND" });
  });
});
