// The real server-everything behind the MCP authorization spec, on loopback, for the MCP OAuth
// tests: the SDK's own authorization-server router (metadata, dynamic client registration,
// authorize, token with PKCE) with its in-memory demo provider, whose "login" approves at once,
// and bearer-token middleware in front of a Streamable HTTP endpoint at /mcp.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { DemoInMemoryAuthProvider } from "@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js";
import { getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from "@modelcontextprotocol/sdk/server/auth/router.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createServer as createEverythingServer } from "@modelcontextprotocol/server-everything/dist/server/index.js";
import express from "express";

export interface ProtectedHost {
  /** The MCP endpoint (Streamable HTTP), which answers 401 without a token. */
  readonly mcpUrl: string;
  close(): Promise<void>;
}

export async function startProtectedHost(): Promise<ProtectedHost> {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mcpUrl = new URL(`${origin}/mcp`);
  const provider = new DemoInMemoryAuthProvider();
  app.use(mcpAuthRouter({ provider, issuerUrl: new URL(origin), resourceServerUrl: mcpUrl, scopesSupported: ["mcp:tools"] }));
  const transports = new Map<string, StreamableHTTPServerTransport>();
  app.all(
    "/mcp",
    requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl) }),
    express.json(),
    async (request, response) => {
      const sessionId = request.headers["mcp-session-id"];
      const existing = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
      if (existing !== undefined) return existing.handleRequest(request, response, request.body);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, transport),
      });
      const { server: everything } = createEverythingServer();
      await everything.connect(transport);
      return transport.handleRequest(request, response, request.body);
    },
  );
  return {
    mcpUrl: mcpUrl.toString(),
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
