// Proves: each provider's outgoing request is the reference app's request (fidelity REFERENCE.md),
// compared with the captures in test/fixtures/fidelity header by header and body key by key,
// given the same inputs the reference had (its system prompt, its tools, "Say hello").
//
// What the Workers runtime does on its own is recorded here as explicit exceptions, not hidden:
//   1. it adds `CF-Worker`;
//   2. it writes its well-known headers first, in its own order and canonical casing
//      (Content-Type, Accept-Language, Accept, Authorization, User-Agent), then CF-Worker, then the
//      rest sorted by name — so the order we hand to fetch() survives only in what we hand over.
// Transport headers (Host, Connection, Content-Length, Accept-Encoding) are exempt (issue 3).
import type { ProviderId } from "@maestro/protocol";
import { describe, expect, inject, it } from "vitest";
import { anthropicHeaders } from "../../src/providers/anthropic.ts";
import { codexHeaders } from "../../src/providers/codex.ts";
import { geminiHeaders } from "../../src/providers/gemini.ts";
import type { HeaderList } from "../../src/providers/http.ts";
import { openaiHeaders } from "../../src/providers/openai.ts";
import { openaiResponsesHeaders } from "../../src/providers/openai-responses.ts";
import type { ProviderRequest, ToolDefinition } from "../../src/providers/provider.ts";
import { providerFor } from "../../src/providers/registry.ts";
import anthropicCapture from "../fixtures/fidelity/llxprt-anthropic-apikey.json";
import geminiCapture from "../fixtures/fidelity/gemini-cli-gemini-apikey-model-flag.json";
import openaiCapture from "../fixtures/fidelity/llxprt-openai-apikey-chat.json";
import codexCapture from "../fixtures/fidelity/llxprt-codex-oauth.json";
import responsesCapture from "../fixtures/fidelity/llxprt-openai-responses-apikey.json";
import { recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";

const TRANSPORT = new Set(["host", "connection", "content-length", "accept-encoding"]);
const WORKERD_FIRST = ["content-type", "accept-language", "accept", "authorization", "user-agent"];

/** Exception 2 above, as a function: where workerd puts each header on the wire. */
function workerdWireOrder(headers: HeaderList): string[] {
  const lower = (name: string) => name.toLowerCase();
  const first = WORKERD_FIRST.flatMap((name) => headers.filter(([header]) => lower(header) === name).map(([header]) => lower(header)));
  const rest = headers.map(([header]) => header).filter((header) => !WORKERD_FIRST.includes(lower(header)));
  return [...first, "cf-worker", ...rest.sort().map(lower)];
}

interface Capture {
  requests: { headers: string[][]; body: Record<string, unknown>; path: string; query?: Record<string, string> }[];
}

interface Case {
  readonly provider: ProviderId;
  readonly capture: Capture;
  readonly secretHeader: string;
  readonly secretOf: (key: string) => string;
  readonly headers: (key: string, model: string) => HeaderList;
  readonly baseUrl: (simulatorUrl: string) => string;
  /** The inputs the reference app had, read back out of its captured body. */
  readonly request: (body: Record<string, unknown>) => ProviderRequest;
  readonly model: (capture: Capture) => string;
  readonly sessionKey?: (body: Record<string, unknown>) => string;
  /** Codex: the ChatGPT account on the credential. */
  readonly accountId?: string;
}

/** The inputs of a Responses-API capture (openai_responses and codex share the body's shape). */
function responsesRequestFrom(body: Record<string, unknown>): ProviderRequest {
  return {
    model: String(body.model),
    system: String(body.instructions),
    messages: [userText("Say hello")],
    tools: field<Record<string, unknown>[]>(body, "tools").map((tool) => ({
      name: String(tool.name),
      description: String(tool.description),
      inputSchema: tool.parameters as Record<string, unknown>,
    })),
  };
}

const CODEX_SESSION = String(codexCapture.requests[0]?.body.prompt_cache_key);

const userText = (text: string) => ({ role: "user" as const, content: [{ type: "text" as const, text }] });
const field = <T>(value: unknown, key: string) => (value as Record<string, T>)[key] as T;

const CASES: Case[] = [
  {
    provider: "anthropic",
    capture: anthropicCapture,
    secretHeader: "x-api-key",
    secretOf: (key) => key,
    headers: (key) => anthropicHeaders(key),
    baseUrl: (url) => url,
    model: (capture) => String(capture.requests[0]?.body.model),
    request: (body) => ({
      model: String(body.model),
      system: field<{ text: string }[]>(body, "system")[0]?.text ?? null,
      messages: [userText("Say hello")],
      tools: field<Record<string, unknown>[]>(body, "tools").map((tool): ToolDefinition => ({
        name: String(tool.name),
        description: String(tool.description),
        inputSchema: tool.input_schema as Record<string, unknown>,
      })),
    }),
  },
  {
    provider: "openai",
    capture: openaiCapture,
    secretHeader: "authorization",
    secretOf: (key) => `Bearer ${key}`,
    headers: (key) => openaiHeaders(key),
    baseUrl: (url) => `${url}/v1`,
    model: (capture) => String(capture.requests[0]?.body.model),
    request: (body) => ({
      model: String(body.model),
      system: String(field<{ content: string }[]>(body, "messages")[0]?.content),
      messages: [userText("Say hello")],
      tools: field<{ function: Record<string, unknown> }[]>(body, "tools").map(({ function: tool }) => ({
        name: String(tool.name),
        description: String(tool.description),
        inputSchema: tool.parameters as Record<string, unknown>,
      })),
    }),
  },
  {
    provider: "openai_responses",
    capture: responsesCapture,
    secretHeader: "authorization",
    secretOf: (key) => `Bearer ${key}`,
    headers: (key) => openaiResponsesHeaders(key),
    baseUrl: (url) => `${url}/v1`,
    model: (capture) => String(capture.requests[0]?.body.model),
    sessionKey: (body) => String(body.prompt_cache_key),
    request: responsesRequestFrom,
  },
  {
    provider: "codex",
    capture: codexCapture,
    secretHeader: "authorization",
    secretOf: (key) => `Bearer ${key}`,
    headers: (key) => codexHeaders(key, "capture-account-id", CODEX_SESSION),
    baseUrl: (url) => `${url}/backend-api/codex`,
    model: (capture) => String(capture.requests[0]?.body.model),
    sessionKey: (body) => String(body.prompt_cache_key),
    accountId: "capture-account-id",
    request: responsesRequestFrom,
  },
  {
    provider: "gemini",
    capture: geminiCapture,
    secretHeader: "x-goog-api-key",
    secretOf: (key) => key,
    headers: (key, model) => geminiHeaders(key, model),
    baseUrl: (url) => url,
    model: (capture) => decodeURIComponent(capture.requests[0]?.path.match(/models\/([^:]+):/)?.[1] ?? ""),
    request: (body) => ({
      model: "",
      system: field<{ parts: { text: string }[] }>(body, "systemInstruction").parts[0]?.text ?? null,
      // gemini-cli's first user turn is its session-context part, then the prompt.
      messages: [
        {
          role: "user",
          content:
            field<{ parts: { text: string }[] }[]>(body, "contents")[0]?.parts.map((part) => ({
              type: "text" as const,
              text: part.text,
            })) ?? [],
        },
      ],
      tools:
        field<{ functionDeclarations: Record<string, unknown>[] }[]>(body, "tools")[0]?.functionDeclarations.map((tool) => ({
          name: String(tool.name),
          description: String(tool.description),
          inputSchema: tool.parametersJsonSchema as Record<string, unknown>,
        })) ?? [],
    }),
  },
];

describe.each(CASES)("$provider request fidelity", (fidelityCase) => {
  const captured = fidelityCase.capture.requests.find(
    (request) =>
      !Array.isArray(request.body) &&
      "headers" in request &&
      request.path.includes(fidelityCase.provider === "gemini" ? "streamGenerateContent" : "/"),
  );
  if (captured === undefined) throw new Error("no captured provider request");
  const capturedHeaders = captured.headers.filter(([name]) => !TRANSPORT.has(String(name).toLowerCase())) as [string, string][];
  const model = fidelityCase.model(fidelityCase.capture);

  async function send() {
    const simulatorUrl = inject("simulatorUrl");
    const key = scriptKey(`fidelity-${fidelityCase.provider}`);
    await registerScript(simulatorUrl, key, [{ steps: [{ kind: "text", text: "Hello!" }] }]);
    const request = { ...fidelityCase.request(captured?.body ?? {}), model };
    const context = {
      credential: { apiKey: key, baseUrl: fidelityCase.baseUrl(simulatorUrl), accountId: fidelityCase.accountId ?? null },
      signal: new AbortController().signal,
      fetch: globalThis.fetch.bind(globalThis),
      sessionKey: fidelityCase.sessionKey?.(captured?.body ?? {}) ?? "unused",
      exchange: {},
    };
    const events = [];
    for await (const event of providerFor(fidelityCase.provider).stream(request, context)) events.push(event);
    const [wire] = await recordedRequests(simulatorUrl, key);
    if (wire === undefined) throw new Error("the simulator recorded nothing");
    return { key, events, wire };
  }

  it("builds exactly the reference's headers, in the reference's order", () => {
    const key = "the-key";
    const ours = fidelityCase.headers(key, model).map(([name, value]) => [name, value]);
    const expected = capturedHeaders.map(([name, value]) => [
      name,
      name.toLowerCase() === fidelityCase.secretHeader ? fidelityCase.secretOf(key) : value,
    ]);
    expect(ours).toEqual(expected);
  });

  it("puts them on the wire with the same values, re-ordered only as the runtime does", async () => {
    const { key, events, wire } = await send();
    expect(events.at(-1)).toMatchObject({ type: "stop" });
    const onWire = wire.headers.filter(([name]) => !TRANSPORT.has(name.toLowerCase()));
    // Exception 1: the runtime's own header.
    expect(onWire.map(([name]) => name.toLowerCase())).toContain("cf-worker");
    // Exception 2: the runtime's order, applied to the reference's list.
    const ours = fidelityCase.headers(key, model);
    expect(onWire.map(([name]) => name.toLowerCase())).toEqual(workerdWireOrder(ours));
    // Values, header by header.
    const sent = new Map(onWire.map(([name, value]) => [name.toLowerCase(), value]));
    for (const [name, value] of capturedHeaders) {
      const expected = name.toLowerCase() === fidelityCase.secretHeader ? fidelityCase.secretOf(key) : value;
      expect(sent.get(name.toLowerCase()), name).toBe(expected);
    }
  });

  it("sends the reference's body: the same top-level keys in the same order, the same content", async () => {
    const { wire } = await send();
    const body = wire.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(captured.body));
    expect(body).toEqual(captured.body);
  });
});

describe("gemini system prompt", () => {
  it("reaches the wire, unlike llxprt's (REFERENCE §4b)", async () => {
    const simulatorUrl = inject("simulatorUrl");
    const key = scriptKey("gemini-system");
    await registerScript(simulatorUrl, key, [{ steps: [{ kind: "text", text: "ok" }] }]);
    const context = {
      credential: { apiKey: key, baseUrl: simulatorUrl },
      signal: new AbortController().signal,
      fetch: globalThis.fetch.bind(globalThis),
      sessionKey: "s",
      exchange: {},
    };
    for await (const _ of providerFor("gemini").stream(
      { model: "gemini-2.5-pro", system: "Answer in French.", messages: [userText("hi")], tools: [] },
      context,
    ) ?? [])
      void _;
    const [wire] = await recordedRequests(simulatorUrl, key);
    expect((wire?.body as Record<string, unknown>).systemInstruction).toEqual({ parts: [{ text: "Answer in French." }], role: "user" });
  });
});
