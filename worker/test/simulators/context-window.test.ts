// Proves: a script's context window is enforced the way each provider enforces its model's — a
// request estimated under the window plays its turn, one over it gets that provider's own "too
// long" answer (status, error shape, words and numbers; a failed stream for the Responses API and
// Codex), is recorded, and uses no turn up — and the official SDKs read those answers as the
// provider's error. "Measured" usage reports the request's estimated size, split into cache reads
// when the request repeats the previous one's prefix; scripts without the options behave as before.
// GET /__sim/blob serves exact-length, deterministic text.
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobText } from "./blob.ts";
import { blobUrl, recordedRequests, registerScript, scriptKey } from "./client.ts";
import { estimateInputTokens, measureRequest, promptTextOf } from "./context-window.ts";
import type { Endpoint } from "./fidelity-endpoints.ts";
import { CONTEXT_WINDOW_MESSAGE } from "./openai-responses-format.ts";
import type { ScriptOptions, TurnInput } from "./script.ts";
import { type Simulator, startSimulator } from "./server.ts";
import { sseDataValues } from "./wire-format.ts";

let simulator: Simulator;

beforeAll(async () => {
  // Hand-made requests and SDK requests, not llxprt's: headers are not what is under test here.
  simulator = await startSimulator({ checkHeaders: false });
});
afterAll(async () => {
  await simulator.close();
});

type Json = Record<string, unknown>;

const SYSTEM = "You are a test.";

/** Each endpoint: where it is, how the key goes, and a valid request whose conversation is `turns` user texts. */
const ENDPOINTS = {
  anthropic: {
    path: "/v1/messages",
    auth: (key: string) => ({ "x-api-key": key }),
    body: (texts: string[]) => ({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      stream: true,
      system: SYSTEM,
      messages: alternate(texts).map(({ role, text }) => ({ role, content: text })),
    }),
  },
  openai: {
    path: "/v1/chat/completions",
    auth: (key: string) => ({ authorization: `Bearer ${key}` }),
    body: (texts: string[]) => ({
      model: "gpt-4.1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "system", content: SYSTEM }, ...alternate(texts).map(({ role, text }) => ({ role, content: text }))],
    }),
  },
  openai_responses: {
    path: "/v1/responses",
    auth: (key: string) => ({ authorization: `Bearer ${key}` }),
    body: (texts: string[]) => responsesBody(texts),
  },
  codex: {
    path: "/backend-api/codex/responses",
    auth: (key: string) => ({ authorization: `Bearer ${key}` }),
    body: (texts: string[]) => ({ ...responsesBody(texts), store: false }),
  },
  gemini: {
    path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    auth: (key: string) => ({ "x-goog-api-key": key }),
    body: (texts: string[]) => ({
      systemInstruction: { parts: [{ text: SYSTEM }] },
      contents: alternate(texts).map(({ role, text }) => ({ role: role === "assistant" ? "model" : "user", parts: [{ text }] })),
    }),
  },
} satisfies Record<Endpoint, { path: string; auth: (key: string) => Record<string, string>; body: (texts: string[]) => Json }>;

/** User, assistant, user, …: the texts as a conversation that ends with the user. */
function alternate(texts: string[]): { role: "user" | "assistant"; text: string }[] {
  return texts.map((text, index) => ({ role: (texts.length - 1 - index) % 2 === 0 ? "user" : "assistant", text }));
}

function responsesBody(texts: string[]): Json {
  return {
    model: "gpt-5",
    stream: true,
    instructions: SYSTEM,
    input: alternate(texts).map(({ role, text }) =>
      role === "user"
        ? { role, content: [{ type: "input_text", text }] }
        : { type: "message", role, content: [{ type: "output_text", text, annotations: [] }] },
    ),
  };
}

async function post(endpoint: Endpoint, key: string, body: Json): Promise<{ status: number; text: string; json: () => Json }> {
  const { path, auth } = ENDPOINTS[endpoint];
  const response = await fetch(`${simulator.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth(key) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Json };
}

async function keyWith(turns: TurnInput[], options: ScriptOptions = {}): Promise<string> {
  const key = scriptKey("window");
  await registerScript(simulator.url, key, turns, options);
  return key;
}

const say = (text: string, usage?: TurnInput["usage"]): TurnInput => ({ steps: [{ kind: "text", text }], ...(usage && { usage }) });

/** The input-side usage a stream reported, in The Maestro's accounting (uncached input, cache reads apart). */
function reportedUsage(endpoint: Endpoint, stream: string): { input: number; cached: number } {
  const values = sseDataValues(stream) as Json[];
  switch (endpoint) {
    case "anthropic": {
      const start = values.find((value) => value.type === "message_start") as { message: { usage: Json } };
      return { input: Number(start.message.usage.input_tokens), cached: Number(start.message.usage.cache_read_input_tokens) };
    }
    case "openai": {
      const usage = values.find((value) => value.usage !== undefined && value.usage !== null)?.usage as Json;
      const cached = Number((usage.prompt_tokens_details as Json).cached_tokens);
      return { input: Number(usage.prompt_tokens) - cached, cached };
    }
    case "openai_responses":
    case "codex": {
      const done = values.find((value) => value.type === "response.completed") as { response: { usage: Json } };
      const cached = Number((done.response.usage.input_tokens_details as Json).cached_tokens);
      return { input: Number(done.response.usage.input_tokens) - cached, cached };
    }
    case "gemini": {
      const usage = (values.at(-1) as { usageMetadata: Json }).usageMetadata;
      const cached = Number(usage.cachedContentTokenCount ?? 0);
      return { input: Number(usage.promptTokenCount) - cached, cached };
    }
  }
}

describe("the estimate", () => {
  it("is the prompt fields' JSON, characters ÷ 4 rounded up, whatever the client's spacing", () => {
    const body = ENDPOINTS.anthropic.body(["hello"]);
    const text = `${JSON.stringify(SYSTEM)}${JSON.stringify(body.messages)}`;
    expect(promptTextOf("anthropic", body)).toBe(text);
    expect(estimateInputTokens("anthropic", body)).toBe(Math.ceil(text.length / 4));
    // Settings are not prompt: changing them changes nothing.
    expect(estimateInputTokens("anthropic", { ...body, max_tokens: 64_000, model: "claude-opus-4-1" })).toBe(Math.ceil(text.length / 4));
    expect(estimateInputTokens("gemini", ENDPOINTS.gemini.body(["x".repeat(4000)]))).toBeGreaterThan(1000);
  });

  it("counts as cached the characters shared with the previous prompt, rounded down", () => {
    const first = ENDPOINTS.openai.body(["a".repeat(401)]);
    const second = ENDPOINTS.openai.body(["a".repeat(401), "ok", "more"]);
    const previous = promptTextOf("openai", first);
    const measured = measureRequest("openai", second, previous);
    // The first prompt ends with the `]` that closes its messages; everything before it repeats.
    expect(measured.cached_tokens).toBe(Math.floor((previous.length - 1) / 4));
    expect(measured.input_tokens).toBe(estimateInputTokens("openai", second));
    expect(measureRequest("openai", second).cached_tokens).toBe(0);
  });
});

const WINDOW = 2_000;
const SHORT = ["Read a.ts please."];
const LONG = ["x".repeat(WINDOW * 4 + 100)];

describe.each(Object.keys(ENDPOINTS) as Endpoint[])("%s with a context window", (endpoint) => {
  it("plays a request under the window, answers one over it as the provider does, and keeps the turn", async () => {
    const key = await keyWith([say("First."), say("Second.")], { context_window: WINDOW });
    const long = ENDPOINTS[endpoint].body(LONG);
    const tokens = estimateInputTokens(endpoint, long);
    expect(tokens).toBeGreaterThan(WINDOW);

    const refused = await post(endpoint, key, long);
    switch (endpoint) {
      case "anthropic":
        expect(refused.status).toBe(400);
        expect(refused.json()).toEqual({
          type: "error",
          error: { type: "invalid_request_error", message: `prompt is too long: ${tokens} tokens > ${WINDOW} maximum` },
          request_id: expect.stringMatching(/^req_/),
        });
        break;
      case "openai":
        expect(refused.status).toBe(400);
        expect(refused.json()).toEqual({
          error: {
            message: `This model's maximum context length is ${WINDOW} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
            type: "invalid_request_error",
            param: "messages",
            code: "context_length_exceeded",
          },
        });
        break;
      case "openai_responses":
      case "codex": {
        expect(refused.status).toBe(200);
        const events = sseDataValues(refused.text) as Json[];
        expect(events.map((event) => event.type)).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
        expect(events.map((event) => event.sequence_number)).toEqual([0, 1, 2, 3]);
        expect(events[2]).toMatchObject({
          error: { type: "invalid_request_error", code: "context_length_exceeded", message: CONTEXT_WINDOW_MESSAGE, param: "input" },
        });
        expect(events[3]).toMatchObject({
          response: {
            status: "failed",
            error: { code: "context_length_exceeded", message: CONTEXT_WINDOW_MESSAGE },
            usage: null,
            output: [],
          },
        });
        break;
      }
      case "gemini":
        expect(refused.status).toBe(400);
        expect(refused.json()).toEqual({
          error: {
            code: 400,
            message: `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${WINDOW}).`,
            status: "INVALID_ARGUMENT",
          },
        });
        break;
    }

    const answered = await post(endpoint, key, ENDPOINTS[endpoint].body(SHORT));
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("First.");
    const records = await recordedRequests(simulator.url, key);
    const refusedStatus = endpoint === "openai_responses" || endpoint === "codex" ? 200 : 400;
    expect(records.map((record) => record.status)).toEqual([refusedStatus, 200]);
    expect(records[0]?.raw_body).toBe(JSON.stringify(long));
  });

  it("accepts a request exactly at the window", async () => {
    // Pad the text until the estimate is exactly the window.
    let text = "y".repeat(WINDOW * 4 - 200);
    while (estimateInputTokens(endpoint, ENDPOINTS[endpoint].body([text])) < WINDOW) text += "y";
    const body = ENDPOINTS[endpoint].body([text]);
    expect(estimateInputTokens(endpoint, body)).toBe(WINDOW);
    const key = await keyWith([say("Fits.")], { context_window: WINDOW });
    const answered = await post(endpoint, key, body);
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("Fits.");
  });

  it("reports measured usage: the request's estimate, cached where it repeats the previous request", async () => {
    const key = await keyWith([say("One."), say("Two."), say("Three.", { input_tokens: 7, output_tokens: 1 })], { usage: "measured" });
    const first = ENDPOINTS[endpoint].body(["A question. ".repeat(200)]);
    const second = ENDPOINTS[endpoint].body(["A question. ".repeat(200), "One.", "And a follow-up."]);

    const one = await post(endpoint, key, first);
    expect(reportedUsage(endpoint, one.text)).toEqual({ input: estimateInputTokens(endpoint, first), cached: 0 });

    const two = await post(endpoint, key, second);
    const measured = measureRequest(endpoint, second, promptTextOf(endpoint, first));
    expect(measured.cached_tokens).toBeGreaterThan(estimateInputTokens(endpoint, first) - 10);
    expect(reportedUsage(endpoint, two.text)).toEqual({
      input: measured.input_tokens - measured.cached_tokens,
      cached: measured.cached_tokens,
    });

    // A turn that names its usage still reports it.
    const three = await post(endpoint, key, second);
    expect(reportedUsage(endpoint, three.text)).toEqual({ input: 7, cached: 0 });
  });
});

describe("scripts without the options", () => {
  it("report 100 input tokens and refuse no request for its length, as before", async () => {
    const key = await keyWith([say("Same as ever.")]);
    const answered = await post("anthropic", key, ENDPOINTS.anthropic.body(["z".repeat(400_000)]));
    expect(answered.status).toBe(200);
    expect(reportedUsage("anthropic", answered.text)).toEqual({ input: 100, cached: 0 });
  });

  it("lets a single turn ask for measured usage", async () => {
    const key = await keyWith([{ steps: [{ kind: "text", text: "Measured." }], usage: "measured" }]);
    const body = ENDPOINTS.gemini.body(["Count me."]);
    const answered = await post("gemini", key, body);
    expect(reportedUsage("gemini", answered.text)).toEqual({ input: estimateInputTokens("gemini", body), cached: 0 });
  });
});

describe("the official SDKs read the too-long answer as the provider's error", () => {
  const tooLong = "w".repeat(400);
  const keyFor = () => keyWith([say("unused")], { context_window: 10 });

  it("@anthropic-ai/sdk: BadRequestError 400, invalid_request_error, prompt is too long", async () => {
    const client = new Anthropic({ apiKey: await keyFor(), baseURL: simulator.url, maxRetries: 0 });
    const error = await client.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 10, stream: true, messages: [{ role: "user", content: tooLong }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ status: 400, error: { error: { type: "invalid_request_error" } } });
    expect((error as Error).message).toMatch(/prompt is too long: \d+ tokens > 10 maximum/);
  });

  it("openai (Chat Completions): BadRequestError 400 with code context_length_exceeded", async () => {
    const client = new OpenAI({ apiKey: await keyFor(), baseURL: `${simulator.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: "gpt-4.1", stream: true, messages: [{ role: "user", content: tooLong }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: "context_length_exceeded", param: "messages", type: "invalid_request_error" });
  });

  it("openai (Responses): the stream raises the error event's context_length_exceeded", async () => {
    const client = new OpenAI({ apiKey: await keyFor(), baseURL: `${simulator.url}/v1`, maxRetries: 0 });
    const seen: string[] = [];
    const error = await (async () => {
      const stream = client.responses.stream({ model: "gpt-5", input: tooLong });
      for await (const event of stream) seen.push(event.type);
      return stream.finalResponse();
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(["response.created", "response.in_progress"]);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain(CONTEXT_WINDOW_MESSAGE);
  });

  it("@google/genai: ApiError 400 INVALID_ARGUMENT with the input token count", async () => {
    const client = new GoogleGenAI({ apiKey: await keyFor(), httpOptions: { baseUrl: simulator.url, apiVersion: "v1beta" } });
    const error = await (async () => {
      for await (const chunk of await client.models.generateContentStream({ model: "gemini-2.5-pro", contents: tooLong })) void chunk;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/The input token count \(\d+\) exceeds the maximum number of tokens allowed \(10\)\./);
  });
});

describe("GET /__sim/blob", () => {
  it("serves exactly N bytes of text, the same for the same seed and different for another", async () => {
    const fetchBlob = async (bytes: number, seed: string) => {
      const response = await fetch(blobUrl(simulator.url, bytes, seed));
      return { status: response.status, type: response.headers.get("content-type"), bytes: new Uint8Array(await response.arrayBuffer()) };
    };
    const one = await fetchBlob(250_000, "s1");
    const again = await fetchBlob(250_000, "s1");
    const other = await fetchBlob(250_000, "s2");
    expect(one.status).toBe(200);
    expect(one.type).toBe("text/plain; charset=utf-8");
    expect(one.bytes.length).toBe(250_000);
    expect(Buffer.from(one.bytes).equals(Buffer.from(again.bytes))).toBe(true);
    expect(Buffer.from(one.bytes).equals(Buffer.from(other.bytes))).toBe(false);
    expect(new TextDecoder().decode(one.bytes)).toBe(blobText(250_000, "s1"));
    // Varied: many distinct lines, numbered in order.
    const lines = blobText(250_000, "s1").split("\n");
    expect(new Set(lines.map((line) => line.slice(8))).size).toBeGreaterThan(lines.length * 0.9);
    expect(lines[0]).toMatch(/^000001: /);
    expect(lines[99]).toMatch(/^000100: /);
    expect((await fetchBlob(0, "s1")).bytes.length).toBe(0);
  });

  it("refuses a size that is not a whole number in range", async () => {
    for (const bytes of ["-1", "1.5", "abc", String(64 * 1024 * 1024)])
      expect((await fetch(`${simulator.url}/__sim/blob?bytes=${bytes}`)).status).toBe(400);
  });
});
