/**
 * Remote MCP servers, reached from the Worker with the official SDK over Streamable HTTP or SSE.
 * One short-lived connection per operation: a Durable Object may be evicted between calls, and
 * MCP sessions are cheap to open. The JSON-schema validator must be the cfworker one: the SDK's
 * default (AJV) compiles with `new Function`, which workerd forbids (TOOLCHAIN §2). What a
 * server says back — errors, and results — is masked by the values of the secrets we sent it
 * (its custom headers, its OAuth tokens), so a server that quotes them cannot leak them onward.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { type McpTransport, type ToolKind, type ToolOutcome, mcpResultToOutcome, mcpToolKind } from "@maestro/protocol";
import { SecretMask } from "../secret-mask.ts";
import { VERSION } from "../version.ts";
import { type McpOAuthState, StoredOAuthProvider } from "./oauth-provider.ts";

export interface RemoteMcpServer {
  readonly id: string;
  readonly name: string;
  readonly transport: McpTransport;
  readonly url: string;
  /** Decrypted only in memory, for this call. */
  readonly headers: Readonly<Record<string, string>>;
  /** For servers behind the MCP authorization flow: their stored state, and how to keep changes. */
  readonly oauth?: { readonly state: McpOAuthState; save(state: McpOAuthState, needsLogin: boolean): Promise<void> } | undefined;
}

/** A tool as its server describes it (its own name, not yet prefixed with the server's). */
export interface McpToolSpec {
  readonly name: string;
  readonly description: string;
  readonly kind: ToolKind;
  readonly inputSchema: Record<string, unknown>;
}

/**
 * A server that could not be reached or did not speak MCP, or (`needsLogin`) one that wants the
 * user to sign in first. The message is safe to show.
 */
export class McpUnavailableError extends Error {
  override readonly name = "McpUnavailableError";
  readonly needsLogin: boolean;

  constructor(message: string, options: { cause: unknown; needsLogin?: boolean }) {
    super(message, { cause: options.cause });
    this.needsLogin = options.needsLogin ?? false;
  }
}

const CONNECT_TIMEOUT_MS = 15_000;

/** The values of everything secret we send this server. */
export function maskFor(server: RemoteMcpServer): SecretMask {
  const tokens = server.oauth?.state.tokens;
  const client = server.oauth?.state.client;
  return new SecretMask([
    ...Object.values(server.headers),
    tokens?.access_token,
    tokens?.refresh_token,
    client !== undefined && "client_secret" in client ? client.client_secret : undefined,
  ]);
}

/** An error as it may be logged: its message (and its cause's) masked. */
function maskedError(error: unknown, mask: SecretMask): Error {
  if (!(error instanceof Error)) return new Error(mask.text(String(error)));
  const copy = new Error(mask.text(error.message), error.cause === undefined ? undefined : { cause: maskedError(error.cause, mask) });
  copy.name = error.name;
  if ("code" in error && (typeof error.code === "string" || typeof error.code === "number")) Object.assign(copy, { code: error.code });
  return copy;
}

async function withClient<T>(server: RemoteMcpServer, fetcher: typeof fetch, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: "the-maestro", version: VERSION }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  const oauth = server.oauth;
  // The SDK sends the stored token, and refreshes it (saving the new one) when the server says 401.
  const authProvider =
    oauth === undefined ? undefined : new StoredOAuthProvider(oauth.state, { save: (state) => oauth.save(state, false) });
  const options = { requestInit: { headers: { ...server.headers } }, fetch: fetcher, ...(authProvider !== undefined && { authProvider }) };
  const url = new URL(server.url);
  const transport = server.transport === "sse" ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
  try {
    await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    await client.close().catch(() => undefined);
    const refused = error instanceof Error && "code" in error && error.code === 401;
    const cause = maskedError(error, maskFor(server));
    if (error instanceof UnauthorizedError || authProvider?.authorizationUrl !== undefined || refused) {
      // Nobody can be sent to a login page in the middle of a turn: say what to do instead.
      if (oauth !== undefined) await oauth.save(oauth.state, true).catch(() => undefined);
      throw new McpUnavailableError(`The MCP server "${server.name}" needs you to sign in (POST /api/v1/oauth/mcp/start).`, {
        cause,
        needsLogin: true,
      });
    }
    throw new McpUnavailableError(`Could not connect to the MCP server "${server.name}".`, { cause });
  }
  try {
    return await work(client);
  } finally {
    if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

export async function listServerTools(server: RemoteMcpServer, fetcher: typeof fetch): Promise<McpToolSpec[]> {
  return withClient(server, fetcher, async (client) => {
    const specs: McpToolSpec[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      for (const tool of page.tools) {
        specs.push({
          name: tool.name,
          description: tool.description ?? tool.title ?? tool.name,
          kind: mcpToolKind(tool.annotations),
          inputSchema: tool.inputSchema,
        });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return specs;
  });
}

export async function callServerTool(
  server: RemoteMcpServer,
  tool: string,
  args: Record<string, unknown>,
  options: { fetch: typeof fetch; signal: AbortSignal; timeoutMs: number },
): Promise<ToolOutcome> {
  const mask = maskFor(server);
  try {
    return await withClient(server, options.fetch, async (client) => {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeoutMs,
      });
      return mask.deep(mcpResultToOutcome(result as Parameters<typeof mcpResultToOutcome>[0]));
    });
  } catch (error) {
    if (options.signal.aborted) return { ok: false, code: "CANCELLED", message: "The call was cancelled.", recoverable: false };
    // A protocol error is the server's own answer ("unknown tool"), worth showing the model.
    const message =
      error instanceof McpUnavailableError
        ? error.message
        : error instanceof McpError
          ? `The MCP server "${server.name}" refused the call: ${mask.text(error.message)}`
          : `The MCP server "${server.name}" failed the call.`;
    return { ok: false, code: "MCP_ERROR", message, recoverable: true };
  }
}
