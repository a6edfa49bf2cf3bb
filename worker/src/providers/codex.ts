/**
 * Codex: the ChatGPT-subscription Responses endpoint, as llxprt calls it (fidelity REFERENCE
 * §3c): an OAuth access token plus the account it belongs to, Codex's `originator`, and the
 * session id both as a header and as the prompt-cache key. The events are the Responses API's,
 * so the stream mapping is openai-responses.ts's. The login that yields the token is
 * auth/oauth/codex.ts; this file only spends it.
 */
import { type HeaderList, baseUrlOf } from "./http.ts";
import { responsesChunks, responsesRequestHead } from "./openai-responses.ts";
import type { Provider, ProviderRequest } from "./provider.ts";
import { streamResponse } from "./stream-driver.ts";

// ── Wire constants ─────────────────────────────────────────────────────────────────────────

const DEFAULT_BASE_URL = "https://chatgpt.com/backend-api/codex";
export const CODEX_ORIGINATOR = "codex_cli_rs";

/**
 * Header order and values of llxprt 0.11.0's codex provider under Bun 1.3.14, captured. llxprt
 * will not call at all without an account id; a login whose id_token named none gets no
 * ChatGPT-Account-ID header here, never an empty one, which no reference sends.
 */
export function codexHeaders(accessToken: string, accountId: string | null, sessionKey: string): HeaderList {
  return [
    ["Authorization", `Bearer ${accessToken}`],
    ...(accountId ? [["ChatGPT-Account-ID", accountId] as const] : []),
    ["Content-Type", "application/json"],
    ["originator", CODEX_ORIGINATOR],
    ["session_id", sessionKey],
    ["User-Agent", "Bun/1.3.14"],
    ["Accept", "*/*"],
  ];
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

export function toCodexRequest(request: ProviderRequest, sessionKey: string): Record<string, unknown> {
  // Codex stores nothing server-side (`store: false`); the session is the prompt-cache key. Every
  // captured request carries `instructions`, and the backend refuses one without them ("Instructions
  // are required"), so a session with no system prompt sends them empty.
  return { ...responsesRequestHead(request, { instructionsRequired: true, stateless: true }), store: false, prompt_cache_key: sessionKey };
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const codex = {
  id: "codex",
  probeModel: "gpt-5.5",
  stream: (request, context) =>
    streamResponse(
      "codex",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/responses`,
        model: request.model,
        headers: codexHeaders(context.credential.apiKey, context.credential.accountId ?? null, context.sessionKey),
        body: toCodexRequest(request, context.sessionKey),
        secretHeaders: ["authorization", "chatgpt-account-id"],
      },
      responsesChunks("codex"),
    ),
} satisfies Provider;
