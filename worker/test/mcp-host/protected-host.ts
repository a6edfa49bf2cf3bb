// The real server-everything behind the MCP authorization spec, on loopback, for the MCP OAuth
// tests: the SDK's own authorization-server router (metadata, dynamic client registration,
// authorize, token with PKCE) with its in-memory demo provider, whose "login" approves at once,
// and bearer-token middleware in front of a Streamable HTTP endpoint at /mcp. The demo issues
// no refresh tokens, so tokens come from RefreshingTokens instead: five-minute access tokens
// (always due for the cron) and rotating refresh tokens. `/__stats` counts refreshes and
// `/__revoke` forgets every refresh token, for the tests.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { DemoInMemoryAuthProvider } from "@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import { InvalidGrantError, InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { AuthorizationParams, OAuthServerProvider } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { Response } from "express";
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

const ACCESS_TOKEN_SECONDS = 300;

/** The demo's clients, codes and PKCE; our own tokens, which expire and can be refreshed. */
class RefreshingTokens implements OAuthServerProvider {
  refreshes = 0;
  readonly #demo = new DemoInMemoryAuthProvider();
  readonly #access = new Map<string, AuthInfo>();
  /** Refresh token → the client it was issued to. */
  readonly #refresh = new Map<string, string>();

  get clientsStore(): OAuthRegisteredClientsStore {
    return this.#demo.clientsStore;
  }

  authorize(client: OAuthClientInformationFull, params: AuthorizationParams, response: Response): Promise<void> {
    return this.#demo.authorize(client, params, response);
  }

  challengeForAuthorizationCode(client: OAuthClientInformationFull, code: string): Promise<string> {
    return this.#demo.challengeForAuthorizationCode(client, code);
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string, verifier?: string): Promise<OAuthTokens> {
    // The demo checks the code was issued to this client (and forgets it); the tokens are ours.
    await this.#demo.exchangeAuthorizationCode(client, code, verifier);
    return this.#issue(client.client_id);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, refreshToken: string): Promise<OAuthTokens> {
    if (this.#refresh.get(refreshToken) !== client.client_id) throw new InvalidGrantError("unknown or reused refresh token");
    this.#refresh.delete(refreshToken);
    // The old access tokens stop working: a client that did not keep the new ones would notice.
    for (const [token, info] of this.#access) if (info.clientId === client.client_id) this.#access.delete(token);
    this.refreshes += 1;
    return this.#issue(client.client_id);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const info = this.#access.get(token);
    if (info?.expiresAt === undefined || info.expiresAt * 1000 < Date.now()) throw new InvalidTokenError("invalid or expired token");
    return info;
  }

  revokeRefreshTokens(): void {
    this.#refresh.clear();
  }

  #issue(clientId: string): OAuthTokens {
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    this.#access.set(accessToken, {
      token: accessToken,
      clientId,
      scopes: ["mcp:tools"],
      expiresAt: Math.floor(Date.now() / 1000) + ACCESS_TOKEN_SECONDS,
    });
    this.#refresh.set(refreshToken, clientId);
    return { access_token: accessToken, token_type: "bearer", expires_in: ACCESS_TOKEN_SECONDS, refresh_token: refreshToken };
  }
}

export async function startProtectedHost(): Promise<ProtectedHost> {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mcpUrl = new URL(`${origin}/mcp`);
  const provider = new RefreshingTokens();
  app.get("/__stats", (_request, response) => void response.json({ refreshes: provider.refreshes }));
  app.post("/__revoke", (_request, response) => {
    provider.revokeRefreshTokens();
    response.json({ revoked: true });
  });
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
