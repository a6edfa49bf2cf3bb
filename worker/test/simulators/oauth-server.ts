/**
 * An OAuth authorization server on loopback that behaves like auth.openai.com does for the Codex
 * client (fidelity REFERENCE §3c): an authorize endpoint that "logs the user in" and redirects
 * with a code bound to the PKCE challenge; a token endpoint for the code exchange and refresh
 * (rotating refresh tokens, so a reused one is `invalid_grant`); and the device-code endpoints.
 * Tests steer it (`/__oauth/mode`: ok, invalid_grant, error500, slow, and the error text) and
 * read what it saw (`/__oauth/stats`: token requests by grant, their raw headers, and whose
 * refresh token a refresh presented).
 */
import { createHash, randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const SIM_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

export interface OAuthSimulator {
  readonly url: string;
  close(): Promise<void>;
}

interface Grant {
  readonly challenge: string;
  readonly redirectUri: string;
  readonly accountId: string;
}

interface Mode {
  kind: "ok" | "invalid_grant" | "error500" | "slow";
  delayMs: number;
  expiresIn: number;
  rotate: boolean;
  /** Overrides the error_description of a refusal or an outage; `{refresh_token}` echoes the one presented. */
  description: string | null;
}

interface SeenRequest {
  readonly grant: string;
  readonly headers: [string, string][];
  readonly raw: string;
  /** For a refresh: the account whose refresh token it presented, if the token was one we issued. */
  readonly account?: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An unsigned id_token carrying the account claim where OpenAI puts it. */
function idToken(accountId: string): string {
  const header = base64url(JSON.stringify({ alg: "none", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ "https://api.openai.com/auth": { chatgpt_account_id: accountId }, sub: "user-sim" }));
  return `${header}.${payload}.sig`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function rawHeaders(request: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2)
    pairs.push([request.rawHeaders[index] ?? "", request.rawHeaders[index + 1] ?? ""]);
  return pairs;
}

export async function startOAuthSimulator(): Promise<OAuthSimulator> {
  const codes = new Map<string, Grant>();
  /** Live refresh tokens and the account each belongs to. */
  const refreshTokens = new Map<string, string>();
  const devices = new Map<string, { userCode: string; approvedFor: string | null }>();
  const seen: SeenRequest[] = [];
  const DEFAULT_MODE: Mode = { kind: "ok", delayMs: 0, expiresIn: 3600, rotate: true, description: null };
  const mode: Mode = { ...DEFAULT_MODE };

  function issue(response: ServerResponse, accountId: string): void {
    const refresh = `rt-${randomUUID()}`;
    refreshTokens.set(refresh, accountId);
    json(response, 200, {
      access_token: `at-${randomUUID()}`,
      refresh_token: refresh,
      id_token: idToken(accountId),
      token_type: "Bearer",
      expires_in: mode.expiresIn,
    });
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const form = new URLSearchParams(raw);
    const grant = form.get("grant_type") ?? "";
    const account = grant === "refresh_token" ? refreshTokens.get(form.get("refresh_token") ?? "") : undefined;
    seen.push({ grant, headers: rawHeaders(request), raw, ...(account !== undefined && { account }) });
    if (mode.kind === "slow" || mode.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, mode.delayMs));
    const described = (fallback: string) => mode.description?.replaceAll("{refresh_token}", form.get("refresh_token") ?? "") ?? fallback;
    if (mode.kind === "error500") return json(response, 500, { error: "server_error", error_description: described("simulated outage") });
    if (form.get("client_id") !== SIM_CLIENT_ID) return json(response, 401, { error: "invalid_client" });
    if (grant === "authorization_code") {
      const issued = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = base64url(createHash("sha256").update(verifier).digest());
      if (issued === undefined || issued.redirectUri !== form.get("redirect_uri") || issued.challenge !== challenge) {
        return json(response, 400, { error: "invalid_grant", error_description: "bad code, redirect_uri or code_verifier" });
      }
      return issue(response, issued.accountId);
    }
    if (grant === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const accountId = refreshTokens.get(presented);
      if (mode.kind === "invalid_grant" || accountId === undefined) {
        return json(response, 400, {
          error: "invalid_grant",
          error_description: described("refresh token is invalid or was already used"),
        });
      }
      if (!mode.rotate) {
        return json(response, 200, { access_token: `at-${randomUUID()}`, token_type: "Bearer", expires_in: mode.expiresIn });
      }
      refreshTokens.delete(presented);
      return issue(response, accountId);
    }
    return json(response, 400, { error: "unsupported_grant_type" });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/oauth/token" && request.method === "POST") return token(request, response);
    if (url.pathname === "/oauth/authorize" && request.method === "GET") {
      // The user signs in (as `login_hint`, in tests) and is sent back with a code.
      const code = `code-${randomUUID()}`;
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      codes.set(code, {
        challenge: url.searchParams.get("code_challenge") ?? "",
        redirectUri,
        accountId: url.searchParams.get("login_hint") ?? `acct-${randomUUID()}`,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      response.writeHead(302, { location: back.toString() });
      response.end();
      return;
    }
    if (url.pathname === "/api/accounts/deviceauth/usercode" && request.method === "POST") {
      seen.push({ grant: "device_usercode", headers: rawHeaders(request), raw: await readBody(request) });
      const id = `dev-${randomUUID()}`;
      const userCode = `${randomUUID().slice(0, 4).toUpperCase()}-${randomUUID().slice(0, 4).toUpperCase()}`;
      devices.set(id, { userCode, approvedFor: null });
      return json(response, 200, { device_auth_id: id, user_code: userCode, interval: "1" });
    }
    if (url.pathname === "/api/accounts/deviceauth/token" && request.method === "POST") {
      const body = JSON.parse(await readBody(request)) as { device_auth_id?: string; user_code?: string };
      const device = devices.get(body.device_auth_id ?? "");
      if (device === undefined || device.userCode !== body.user_code) return json(response, 404, { error: "unknown device" });
      if (device.approvedFor === null) return json(response, 403, { error: "authorization_pending" });
      const verifier = base64url(randomUUID() + randomUUID());
      const challenge = base64url(createHash("sha256").update(verifier).digest());
      const code = `code-${randomUUID()}`;
      codes.set(code, { challenge, redirectUri: `${simulatorUrl}/deviceauth/callback`, accountId: device.approvedFor });
      devices.delete(body.device_auth_id ?? "");
      return json(response, 200, { authorization_code: code, code_verifier: verifier, code_challenge: challenge });
    }
    if (url.pathname === "/__oauth/device/approve" && request.method === "POST") {
      const body = JSON.parse(await readBody(request)) as { user_code: string; account_id: string };
      for (const device of devices.values()) if (device.userCode === body.user_code) device.approvedFor = body.account_id;
      return json(response, 200, { ok: true });
    }
    if (url.pathname === "/__oauth/mode" && request.method === "POST") {
      Object.assign(mode, DEFAULT_MODE, JSON.parse(await readBody(request)) as Partial<Mode>);
      return json(response, 200, mode);
    }
    if (url.pathname === "/__oauth/stats") {
      const counts: Record<string, number> = {};
      for (const request of seen) counts[request.grant] = (counts[request.grant] ?? 0) + 1;
      return json(response, 200, { counts, requests: seen });
    }
    response.writeHead(404).end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const simulatorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: simulatorUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
