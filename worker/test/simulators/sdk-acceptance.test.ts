// Proves: the simulators are faithful enough that the official SDKs accept their streams —
// text, thinking, parallel tool calls and usage with cache tokens come out as the SDKs'
// own typed results — and their failures surface as the SDKs' own error types.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerScript, scriptKey } from "./client.ts";
import type { TurnInput } from "./script.ts";
import { type Simulator, startSimulator } from "./server.ts";

let simulator: Simulator;

beforeAll(async () => {
  // The SDKs send their own headers, not llxprt's: this instance does not check fidelity.
  simulator = await startSimulator({ checkHeaders: false });
});
afterAll(async () => {
  await simulator.close();
});

const FULL_TURN: TurnInput = {
  steps: [
    { kind: "thinking", text: "The user wants two files read.", signature: "sig-abc" },
    { kind: "text", text: "Reading both files now." },
    {
      kind: "tool_calls",
      calls: [
        { name: "read_file", args: { path: "a.ts" } },
        { name: "read_file", args: { path: "b.ts", limit: 20 } },
      ],
    },
  ],
  usage: { input_tokens: 120, output_tokens: 45, cache_read_tokens: 900, cache_write_tokens: 30 },
};

async function keyWith(turns: TurnInput[]): Promise<string> {
  const key = scriptKey("sdk");
  await registerScript(simulator.url, key, turns);
  return key;
}

describe("@anthropic-ai/sdk", () => {
  const client = (apiKey: string) => new Anthropic({ apiKey, baseURL: simulator.url, maxRetries: 0 });

  it("assembles thinking, text, parallel tool calls and cache usage from the stream", async () => {
    const stream = client(await keyWith([FULL_TURN])).messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [{ role: "user", content: "hi" }],
    });
    const message = await stream.finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text", "tool_use", "tool_use"]);
    expect(message.content[0]).toMatchObject({ thinking: "The user wants two files read.", signature: "sig-abc" });
    expect(message.content[1]).toMatchObject({ text: "Reading both files now." });
    expect(message.content.slice(2)).toMatchObject([
      { name: "read_file", input: { path: "a.ts" } },
      { name: "read_file", input: { path: "b.ts", limit: 20 } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({
      input_tokens: 120,
      output_tokens: 45,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 30,
    });
  });

  it("raises RateLimitError with retry-after on a 429, and an error on 529", async () => {
    const limited = await client(await keyWith([{ failure: { kind: "http", status: 429, retry_after: 3 } }]))
      .messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("3");
    const overloaded = await client(await keyWith([{ failure: { kind: "overloaded" } }]))
      .messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true })
      .catch((error: unknown) => error);
    expect(overloaded).toMatchObject({ status: 529 });
  });

  it("surfaces a mid-stream overloaded_error and a malformed chunk as errors", async () => {
    const midStream = client(
      await keyWith([
        { steps: [{ kind: "text", text: "one two three four five six" }], failure: { kind: "overloaded", mid_stream: true } },
      ]),
    );
    await expect(
      midStream.messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage(),
    ).rejects.toThrow(/overloaded/i);
    const malformed = client(
      await keyWith([{ steps: [{ kind: "text", text: "hello there" }], failure: { kind: "malformed", after_chunks: 3 } }]),
    );
    await expect(
      malformed.messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage(),
    ).rejects.toThrow();
  });
});

describe("openai SDK, Chat Completions", () => {
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${simulator.url}/v1`, maxRetries: 0 });

  it("streams text, parallel tool calls and usage with cached tokens", async () => {
    const stream = client(await keyWith([FULL_TURN])).chat.completions.stream({
      model: "gpt-5",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];
    expect(choice?.message.content).toBe("Reading both files now.");
    expect(
      choice?.message.tool_calls?.map((call) => call.type === "function" && [call.function.name, JSON.parse(call.function.arguments)]),
    ).toEqual([
      ["read_file", { path: "a.ts" }],
      ["read_file", { path: "b.ts", limit: 20 }],
    ]);
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(completion.usage).toMatchObject({ prompt_tokens: 1020, completion_tokens: 45, prompt_tokens_details: { cached_tokens: 900 } });
  });

  it("raises RateLimitError on a 429 and InternalServerError on a 500", async () => {
    const limited = await client(await keyWith([{ failure: { kind: "http", status: 429, retry_after: 1 } }]))
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const failed = await client(await keyWith([{ failure: { kind: "http", status: 500 } }]))
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe("openai SDK, Responses", () => {
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${simulator.url}/v1`, maxRetries: 0 });

  it("streams reasoning, text, parallel function calls and usage", async () => {
    const stream = client(await keyWith([FULL_TURN])).responses.stream({ model: "gpt-5", input: "hi" });
    const response = await stream.finalResponse();
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Reading both files now.");
    const calls = response.output.flatMap((item) => (item.type === "function_call" ? [[item.name, JSON.parse(item.arguments)]] : []));
    expect(calls).toEqual([
      ["read_file", { path: "a.ts" }],
      ["read_file", { path: "b.ts", limit: 20 }],
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 1020, output_tokens: 45, input_tokens_details: { cached_tokens: 900 } });
  });
});

describe("@google/genai", () => {
  // v1beta, as gemini-cli uses (newer SDKs default to v1).
  const client = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: simulator.url, apiVersion: "v1beta" } });

  it("streams thoughts, text, parallel function calls and usage", async () => {
    const stream = await client(await keyWith([FULL_TURN])).models.generateContentStream({ model: "gemini-2.5-pro", contents: "hi" });
    const thoughts: string[] = [];
    const texts: string[] = [];
    const calls: unknown[] = [];
    let finish: string | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.thought) thoughts.push(part.text ?? "");
        else if (part.text) texts.push(part.text);
      }
      calls.push(...(chunk.functionCalls ?? []).map((call) => [call.name, call.args]));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
      usage = chunk.usageMetadata;
    }
    expect(thoughts.join("")).toBe("The user wants two files read.");
    expect(texts.join("")).toBe("Reading both files now.");
    expect(calls).toEqual([
      ["read_file", { path: "a.ts" }],
      ["read_file", { path: "b.ts", limit: 20 }],
    ]);
    expect(finish).toBe("STOP");
    expect(usage).toMatchObject({ promptTokenCount: 1020, candidatesTokenCount: 45, cachedContentTokenCount: 900 });
  });

  it("raises an ApiError on a 429", async () => {
    const failure = await client(await keyWith([{ failure: { kind: "http", status: 429, retry_after: 2 } }]))
      .models.generateContentStream({ model: "gemini-2.5-pro", contents: "hi" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429 });
  });
});
