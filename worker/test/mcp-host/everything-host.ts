// The real @modelcontextprotocol/server-everything from npm, served on loopback for the tests.
// Its own CLI listens on every interface, so this hosts its server factory behind the SDK's
// Streamable HTTP (/mcp) and SSE (/sse + /message) transports on 127.0.0.1, and counts the
// JSON-RPC methods it receives and the Authorization headers it saw, for the tests to assert on.
// `/down` plays a server that is there but failing (503), and counts how often it was tried.
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createServer as createEverythingServer } from "@modelcontextprotocol/server-everything/dist/server/index.js";

export interface EverythingHost {
  readonly url: string;
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport | SSEServerTransport;
  readonly cleanup: () => void;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

function methodsOf(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message: unknown) =>
    typeof message === "object" && message !== null && "method" in message && typeof message.method === "string" ? [message.method] : [],
  );
}

export async function startEverythingHost(): Promise<EverythingHost> {
  const sessions = new Map<string, Session>();
  const methods = new Map<string, number>();
  const authorizations: string[] = [];
  let downHits = 0;

  async function openSession(transport: StreamableHTTPServerTransport | SSEServerTransport): Promise<void> {
    const { server, cleanup } = createEverythingServer();
    server.server.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined) sessions.delete(id);
      cleanup(id);
    };
    await server.connect(transport);
    if (transport instanceof SSEServerTransport)
      sessions.set(transport.sessionId, { transport, cleanup: () => cleanup(transport.sessionId) });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.headers.authorization !== undefined) authorizations.push(request.headers.authorization);
    if (url.pathname === "/stats") {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ methods: Object.fromEntries(methods), authorizations, downHits }));
      return;
    }
    if (url.pathname === "/down") {
      downHits += 1;
      response.writeHead(503).end();
      return;
    }
    if (url.pathname === "/mcp") {
      const body = request.method === "POST" ? await readBody(request) : undefined;
      for (const method of methodsOf(body)) methods.set(method, (methods.get(method) ?? 0) + 1);
      const sessionId = request.headers["mcp-session-id"];
      const existing = typeof sessionId === "string" ? sessions.get(sessionId)?.transport : undefined;
      if (existing instanceof StreamableHTTPServerTransport) return existing.handleRequest(request, response, body);
      if (sessionId !== undefined) {
        response.writeHead(404).end();
        return;
      }
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, { transport, cleanup: () => undefined }),
      });
      await openSession(transport);
      return transport.handleRequest(request, response, body);
    }
    if (url.pathname === "/sse" && request.method === "GET") {
      await openSession(new SSEServerTransport("/message", response));
      return;
    }
    if (url.pathname === "/message" && request.method === "POST") {
      const body = await readBody(request);
      for (const method of methodsOf(body)) methods.set(method, (methods.get(method) ?? 0) + 1);
      const session = sessions.get(url.searchParams.get("sessionId") ?? "");
      if (session?.transport instanceof SSEServerTransport) return session.transport.handlePostMessage(request, response, body);
    }
    response.writeHead(404).end();
  }

  const server = createHttpServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const session of sessions.values()) {
        session.cleanup();
        await session.transport.close().catch(() => undefined);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
