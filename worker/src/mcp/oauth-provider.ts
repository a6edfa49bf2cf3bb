/**
 * The SDK's OAuth client hooks (OAuthClientProvider) backed by what we store for one MCP server:
 * our dynamic client registration and the tokens, sealed in Postgres. The SDK does the protocol
 * (metadata discovery, registration, PKCE, refresh); this keeps its results. In a hosted app
 * nobody can be "redirected" mid-turn, so the authorize URL is captured for the API to return.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { VERSION } from "../version.ts";

/** What is kept per server (sealed): who we registered as, where we redirect, and the tokens. */
export interface McpOAuthState {
  client?: OAuthClientInformationMixed;
  redirectUri?: string;
  tokens?: OAuthTokens;
  /** When the access token expires (ms since the epoch), from `expires_in` when it was saved. */
  expiresAt?: number;
}

export class StoredOAuthProvider implements OAuthClientProvider {
  /** Set when the SDK wants the user sent to the authorization server. */
  authorizationUrl: URL | undefined;
  readonly #state: McpOAuthState;
  readonly #save: (state: McpOAuthState) => Promise<void>;
  readonly #loginState: string | undefined;
  #verifier: string | undefined;

  constructor(state: McpOAuthState, options: { save: (state: McpOAuthState) => Promise<void>; loginState?: string; verifier?: string }) {
    this.#state = state;
    this.#save = options.save;
    this.#loginState = options.loginState;
    this.#verifier = options.verifier;
  }

  get redirectUrl(): string | undefined {
    return this.#state.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "The Maestro",
      client_uri: "https://github.com/the-maestro",
      software_version: VERSION,
      redirect_uris: this.#state.redirectUri === undefined ? [] : [this.#state.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A public client: PKCE, no secret to keep.
      token_endpoint_auth_method: "none",
    };
  }

  state(): string {
    return this.#loginState ?? crypto.randomUUID();
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#state.client;
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    this.#state.client = client;
    await this.#save(this.#state);
  }

  tokens(): OAuthTokens | undefined {
    return this.#state.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.#state.tokens = tokens;
    // `expires_in` is relative to now; the cron needs to know when, later, without asking.
    if (tokens.expires_in === undefined) delete this.#state.expiresAt;
    else this.#state.expiresAt = Date.now() + tokens.expires_in * 1000;
    await this.#save(this.#state);
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error("no PKCE verifier for this login");
    return this.#verifier;
  }

  get verifier(): string | undefined {
    return this.#verifier;
  }
}
