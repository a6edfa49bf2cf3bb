/**
 * The fidelity spec as the simulators enforce it, read straight from the captured requests of the
 * reference apps (test/fixtures/fidelity), not from the Worker's code: a request whose headers
 * differ gets a 400 naming the difference. Only transport headers are exempt, plus what the
 * Workers runtime adds by itself (CF-Worker); header order is the fidelity test's business,
 * because the runtime re-orders headers on the wire (see providers/fidelity.test.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { Endpoint } from "./fidelity-endpoints.ts";

export type { Endpoint };

const CAPTURES: Record<Endpoint, string> = {
  anthropic: "llxprt-anthropic-apikey.json",
  openai: "llxprt-openai-apikey-chat.json",
  openai_responses: "llxprt-openai-responses-apikey.json",
  codex: "llxprt-codex-oauth.json",
  gemini: "gemini-cli-gemini-apikey-model-flag.json",
};

/** Added by the HTTP stack, not the app: never compared (REFERENCE §0). */
export const TRANSPORT_HEADERS = new Set(["host", "connection", "content-length", "accept-encoding"]);
/** Added by the Workers runtime to every outbound request. */
export const RUNTIME_HEADERS = new Set(["cf-worker"]);

export interface CapturedRequest {
  readonly headers: [string, string][];
  readonly body: Record<string, unknown>;
  readonly path: string;
}

export function loadCapture(endpoint: Endpoint): CapturedRequest {
  const file = fileURLToPath(new URL(`../fixtures/fidelity/${CAPTURES[endpoint]}`, import.meta.url));
  const capture = JSON.parse(readFileSync(file, "utf8")) as { requests: CapturedRequest[] };
  const request = capture.requests.find((candidate) => typeof candidate.body === "object" && !Array.isArray(candidate.body));
  if (request === undefined) throw new Error(`no provider request in ${CAPTURES[endpoint]}`);
  return request;
}

/** Values that legitimately differ per request: the secret, and the model in Gemini's User-Agent. */
function expectedValue(endpoint: Endpoint, name: string, captured: string, context: { model: string }): RegExp | string {
  const lower = name.toLowerCase();
  if (lower === "x-api-key" || lower === "x-goog-api-key") return /^\S+$/;
  if (lower === "authorization") return /^Bearer \S+$/;
  // Codex: the account the token belongs to, and the session (a runtime id in llxprt).
  if (endpoint === "codex" && (lower === "chatgpt-account-id" || lower === "session_id")) return /^\S+$/;
  if (endpoint === "gemini" && lower === "user-agent") return captured.replace(/\/[^/]+ \(/, `/${context.model} (`);
  return captured;
}

/** Differences between a request's headers and the capture, as lines for a 400 body; empty when equal. */
export function headerDifferences(endpoint: Endpoint, received: [string, string][], context: { model: string }): string[] {
  const capture = loadCapture(endpoint);
  const compared = (headers: [string, string][]) =>
    headers.filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase()) && !RUNTIME_HEADERS.has(name.toLowerCase()));
  const expected = compared(capture.headers);
  const actual = new Map(compared(received).map(([name, value]) => [name.toLowerCase(), value]));
  const problems: string[] = [];
  for (const [name, capturedValue] of expected) {
    const value = actual.get(name.toLowerCase());
    const want = expectedValue(endpoint, name, capturedValue, context);
    if (value === undefined) problems.push(`missing header ${name}`);
    else if (typeof want === "string" ? value !== want : !want.test(value))
      problems.push(`header ${name} is "${value}", expected "${String(want)}"`);
    actual.delete(name.toLowerCase());
  }
  for (const name of actual.keys()) problems.push(`unexpected header ${name}`);
  return problems;
}
