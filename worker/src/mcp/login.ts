/**
 * Signing in to a remote MCP server that requires the MCP authorization spec, with the SDK doing
 * the protocol: discovery of the server's metadata, dynamic client registration, PKCE, the code
 * exchange. Start returns where to send the user; finish (pasted code or redirect URL, or the
 * callback route) stores the tokens, sealed, on the server's row.
 */
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import type { FinishOAuthBody, McpServer, McpServerId, OAuthStarted } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../db/client.ts";
import { getMcpServer, getRemoteServer, saveMcpOAuthState } from "../db/queries/mcp-servers.ts";
import { AppError, notFound } from "../errors.ts";
import { PENDING_LOGIN_TTL_SECONDS, savePendingLogin, takePendingLogin } from "../kv/pending-logins.ts";
import { type McpOAuthState, StoredOAuthProvider } from "./oauth-provider.ts";
import type { KeyRing } from "../auth/key-ring.ts";
import { codeFrom } from "../auth/oauth/pasted-code.ts";
import { createState } from "../auth/oauth/pkce.ts";

export interface McpLoginDeps {
  readonly db: Database;
  readonly redis: Redis;
  readonly keyRing: KeyRing;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

function failed(server: string, error: unknown): AppError {
  const reason = error instanceof Error ? error.message : "unknown error";
  return new AppError("OAUTH_FAILED", `Signing in to the MCP server "${server}" failed: ${reason}`, { cause: error });
}

export async function startMcpLogin(
  deps: McpLoginDeps,
  body: { mcp_server_id?: McpServerId | undefined; redirect_uri?: string | undefined },
  defaultRedirect: string,
): Promise<OAuthStarted> {
  if (body.mcp_server_id === undefined) {
    throw new AppError("INVALID_REQUEST", "Say which MCP server to sign in to.", {
      fields: [{ field: "mcp_server_id", message: "required" }],
    });
  }
  const record = await getRemoteServer(deps.db, deps.keyRing, body.mcp_server_id);
  if (record === undefined) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
  const redirectUri = body.redirect_uri ?? defaultRedirect;
  const previous = (record.oauthState ?? {}) as McpOAuthState;
  // A new redirect means a new registration: the old client is not allowed to use it.
  const state: McpOAuthState = previous.redirectUri === redirectUri ? { client: previous.client, redirectUri } : { redirectUri };
  const loginState = createState();
  const save = (next: McpOAuthState) => saveMcpOAuthState(deps.db, deps.keyRing, record.id, { ...next }, true);
  const provider = new StoredOAuthProvider(state, { save, loginState });
  let result: string;
  try {
    result = await auth(provider, { serverUrl: record.url, fetchFn: deps.fetch });
  } catch (error) {
    throw failed(record.name, error);
  }
  await save(state);
  if (result !== "REDIRECT" || provider.authorizationUrl === undefined || provider.verifier === undefined) {
    throw new AppError("OAUTH_FAILED", `The MCP server "${record.name}" did not ask for a sign-in.`);
  }
  await savePendingLogin(deps.redis, loginState, {
    kind: "authorization_code",
    flow: "mcp",
    verifier: provider.verifier,
    redirect_uri: redirectUri,
    label: record.name,
    mcp_server_id: record.id,
  });
  return {
    authorize_url: provider.authorizationUrl.toString(),
    state: loginState,
    redirect_uri: redirectUri,
    expires_at: new Date(deps.now() + PENDING_LOGIN_TTL_SECONDS * 1000).toISOString(),
    unofficial: false,
  };
}

export async function finishMcpLogin(deps: McpLoginDeps, body: FinishOAuthBody): Promise<McpServer> {
  const code = codeFrom(body);
  const login = await takePendingLogin(deps.redis, body.state);
  if (login?.kind !== "authorization_code" || login.flow !== "mcp" || login.mcp_server_id === undefined) {
    throw new AppError(
      "OAUTH_STATE_INVALID",
      "No MCP sign-in is waiting with that state (it expired, or was already finished). Start again.",
      {
        fields: [{ field: "state", message: "unknown or expired" }],
      },
    );
  }
  const record = await getRemoteServer(deps.db, deps.keyRing, login.mcp_server_id as McpServerId);
  if (record === undefined) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
  const state = { ...(record.oauthState ?? {}), redirectUri: login.redirect_uri } as McpOAuthState;
  let connected = false;
  const save = (next: McpOAuthState) => saveMcpOAuthState(deps.db, deps.keyRing, record.id, { ...next }, !connected);
  const provider = new StoredOAuthProvider(state, { save, verifier: login.verifier });
  try {
    const result = await auth(provider, { serverUrl: record.url, authorizationCode: code, fetchFn: deps.fetch });
    if (result !== "AUTHORIZED") throw new Error("the server did not issue tokens");
  } catch (error) {
    throw failed(record.name, error);
  }
  connected = true;
  await save(state);
  const server = await getMcpServer(deps.db, record.id as McpServerId);
  if (server === undefined) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
  return server;
}
