// What global-setup.ts provides to the tests (`inject(...)`), typed for both sides.
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    wsProxyPort: number;
    upstashUrl: string;
    upstashToken: string;
    simulatorUrl: string;
    /** How many turns the long-session test runs (MAESTRO_LONG_SESSION_TURNS, default 1000). */
    longSessionTurns: number;
    /** The real MCP server-everything: Streamable HTTP at /mcp, SSE at /sse, counters at /stats. */
    mcpEverythingUrl: string;
    /** The OAuth simulator standing in for auth.openai.com (Codex logins and refreshes). */
    oauthIssuer: string;
    /** server-everything behind the MCP authorization flow (the SDK's auth router, demo provider). */
    mcpProtectedUrl: string;
  }
}
export {};
