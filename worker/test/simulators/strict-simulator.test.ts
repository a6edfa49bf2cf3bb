// Proves: the simulator is pessimistic. A body the real API refuses gets that API's 400, in its
// error shape and words, is recorded, and plays no scripted turn; a thinking signature sent back
// must be one the key was given, over the text it was given for (one it made up still checks out in
// a simulator started afresh, as a provider's would); and with thinking on, a scripted
// tool turn opens with a (signed) thinking block, as a real Claude's does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordedRequests, registerScript, scriptKey } from "./client.ts";
import type { TurnInput } from "./script.ts";
import { type Simulator, startSimulator } from "./server.ts";
import { sseDataValues } from "./wire-format.ts";

let simulator: Simulator;

beforeAll(async () => {
  // Hand-made requests, not llxprt's: headers are not what is under test here.
  simulator = await startSimulator({ checkHeaders: false });
});
afterAll(async () => {
  await simulator.close();
});

type Json = Record<string, unknown>;

const PATHS = {
  anthropic: { path: "/v1/messages", auth: (key: string) => ({ "x-api-key": key }) },
  openai: { path: "/v1/chat/completions", auth: (key: string) => ({ authorization: `Bearer ${key}` }) },
  openai_responses: { path: "/v1/responses", auth: (key: string) => ({ authorization: `Bearer ${key}` }) },
  gemini2: { path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", auth: (key: string) => ({ "x-goog-api-key": key }) },
  gemini3: {
    path: "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse",
    auth: (key: string) => ({ "x-goog-api-key": key }),
  },
};

async function post(endpoint: keyof typeof PATHS, key: string, body: unknown): Promise<{ status: number; text: string; json: () => Json }> {
  const { path, auth } = PATHS[endpoint];
  const response = await fetch(`${simulator.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth(key) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Json };
}

async function keyWith(turns: TurnInput[]): Promise<string> {
  const key = scriptKey("strict");
  await registerScript(simulator.url, key, turns);
  return key;
}

const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

/** The content blocks of an Anthropic stream, assembled. */
function anthropicBlocks(stream: string): Json[] {
  const blocks: Json[] = [];
  for (const value of sseDataValues(stream)) {
    const event = value as Json;
    const index = Number(event.index);
    if (event.type === "content_block_start") blocks[index] = { ...(event.content_block as Json) };
    if (event.type !== "content_block_delta") continue;
    const block = blocks[index] as Json;
    const delta = event.delta as Json;
    if (delta.type === "thinking_delta") block.thinking = `${String(block.thinking)}${String(delta.thinking)}`;
    if (delta.type === "signature_delta") block.signature = `${String(block.signature)}${String(delta.signature)}`;
    if (delta.type === "input_json_delta") block.json = `${typeof block.json === "string" ? block.json : ""}${String(delta.partial_json)}`;
  }
  return blocks;
}

const THINKING = { type: "enabled", budget_tokens: 1024 };
const user = { role: "user", content: "read a.ts" };
const toolUse = { type: "tool_use", id: "toolu_a", name: "read_file", input: { path: "a.ts" } };
const toolResult = { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_a", content: "export {}" }] };
const messagesBody = (messages: unknown[], thinking: unknown = THINKING) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  stream: true,
  messages,
  ...(thinking !== null && { thinking }),
});

describe("history the real API refuses", () => {
  it("answers an unanswered tool_use with Anthropic's 400, records it, and keeps the scripted turn", async () => {
    const key = await keyWith([say("Fine.")]);
    const refused = await post(
      "anthropic",
      key,
      messagesBody([user, { role: "assistant", content: [toolUse] }, { role: "user", content: "well?" }], null),
    );
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({
      type: "error",
      error: {
        type: "invalid_request_error",
        message:
          "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_a. " +
          "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
      },
    });
    const answered = await post("anthropic", key, messagesBody([user], null));
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("Fine.");
    const records = await recordedRequests(simulator.url, key);
    expect(records.map((record) => record.status)).toEqual([400, 200]);
    expect(records[1]?.raw_body).toBe(JSON.stringify(messagesBody([user], null)));
  });

  it("answers a tool message without its call with OpenAI's 400, param included", async () => {
    const key = await keyWith([say("unused")]);
    const refused = await post("openai", key, {
      model: "gpt-4.1",
      stream: true,
      messages: [user, { role: "tool", tool_call_id: "call_1", content: "x" }],
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({
      error: {
        message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        type: "invalid_request_error",
        param: "messages.[1].role",
        code: null,
      },
    });
  });

  it("answers a function call without output with the Responses API's 400", async () => {
    const key = await keyWith([say("unused")]);
    const refused = await post("openai_responses", key, {
      model: "gpt-5",
      stream: true,
      input: [user, { type: "function_call", call_id: "call_1", name: "read_file", arguments: "{}" }],
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({
      error: { message: "No tool output found for function call call_1.", type: "invalid_request_error", param: "input", code: null },
    });
  });

  it("answers a short function response turn with Gemini's 400", async () => {
    const key = await keyWith([say("unused")]);
    const refused = await post("gemini2", key, {
      contents: [
        { role: "user", parts: [{ text: "read" }] },
        { role: "model", parts: [{ functionCall: { name: "read_file", args: {} } }, { functionCall: { name: "glob", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "read_file", response: {} } }] },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({
      error: {
        code: 400,
        message:
          "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
        status: "INVALID_ARGUMENT",
      },
    });
  });

  it("refuses an unknown key before looking at its body, and can be told not to check history", async () => {
    const unknown = await post("anthropic", "sim-nobody", messagesBody([{ role: "assistant", content: "hi" }]));
    expect(unknown.status).toBe(401);
    const lenient = await startSimulator({ checkHeaders: false, checkHistory: false });
    try {
      const key = scriptKey("lenient");
      await registerScript(lenient.url, key, [say("Anything goes.")]);
      const response = await fetch(`${lenient.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key },
        body: JSON.stringify(messagesBody([{ role: "assistant", content: "hi" }])),
      });
      expect(response.status).toBe(200);
      await response.text();
    } finally {
      await lenient.close();
    }
  });
});

describe("thinking signatures", () => {
  const thinkingTurn: TurnInput = {
    steps: [
      { kind: "thinking", text: "Read it first.", signature: "sig-abc" },
      { kind: "tool_calls", calls: [{ id: "toolu_a", name: "read_file", args: { path: "a.ts" } }] },
    ],
  };
  const replay = (thinking: Json) => messagesBody([user, { role: "assistant", content: [thinking, toolUse] }, toolResult]);

  it("takes back a signature it issued, over the text it signed", async () => {
    const key = await keyWith([thinkingTurn, say("Done.")]);
    expect((await post("anthropic", key, messagesBody([user]))).status).toBe(200);
    const next = await post("anthropic", key, replay({ type: "thinking", thinking: "Read it first.", signature: "sig-abc" }));
    expect(next.status).toBe(200);
    expect(next.text).toContain("Done.");
  });

  it("refuses a signed thinking block whose text was changed", async () => {
    const key = await keyWith([thinkingTurn, say("unused")]);
    await post("anthropic", key, messagesBody([user]));
    const altered = await post("anthropic", key, replay({ type: "thinking", thinking: "Read it first!", signature: "sig-abc" }));
    expect(altered.status).toBe(400);
    expect(altered.json()).toMatchObject({
      error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" },
    });
  });

  it("refuses a signature of its own form that this key was never given, and does not judge foreign ones", async () => {
    const key = await keyWith([thinkingTurn, say("Foreign is fine.")]);
    await post("anthropic", key, messagesBody([user]));
    const forged = await post(
      "anthropic",
      key,
      replay({ type: "thinking", thinking: "Read it first.", signature: "sim-sig-never-issued" }),
    );
    expect(forged.status).toBe(400);
    expect(forged.text).toContain("Invalid `signature` in `thinking` block");
    const foreign = await post(
      "anthropic",
      key,
      replay({ type: "thinking", thinking: "Something else.", signature: "EqQBCkYIBxgCKkDforeign" }),
    );
    expect(foreign.status).toBe(200);
  });

  it("takes back a signature it made in an earlier run (npm run dev restarted), as the provider would", async () => {
    const key = scriptKey("restarted");
    await registerScript(simulator.url, key, [
      { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_a", name: "read_file", args: {} }] }] },
    ]);
    const blocks = anthropicBlocks((await post("anthropic", key, messagesBody([user]))).text);
    const thinking = { type: "thinking", thinking: blocks[0]?.thinking, signature: blocks[0]?.signature };
    const fresh = await startSimulator({ checkHeaders: false });
    try {
      await registerScript(fresh.url, key, [say("Still fine."), say("unused")]);
      const send = (block: Json) =>
        fetch(`${fresh.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key },
          body: JSON.stringify(replay(block)),
        });
      expect((await send(thinking)).status).toBe(200);
      // …and still not one whose text was changed.
      expect((await send({ ...thinking, thinking: "edited" })).status).toBe(400);
    } finally {
      await fresh.close();
    }
  });

  it("a signature given to one key is not good for another", async () => {
    const first = await keyWith([{ steps: [{ kind: "tool_calls", calls: [{ id: "toolu_a", name: "read_file", args: {} }] }] }]);
    const blocks = anthropicBlocks((await post("anthropic", first, messagesBody([user]))).text);
    const other = await keyWith([say("unused")]);
    const borrowed = await post(
      "anthropic",
      other,
      replay({ type: "thinking", thinking: blocks[0]?.thinking, signature: blocks[0]?.signature }),
    );
    expect(borrowed.status).toBe(400);
  });

  it("Gemini 3: signs the first call of a response, takes it back, and refuses it missing or made up", async () => {
    const key = await keyWith([
      {
        steps: [
          {
            kind: "tool_calls",
            calls: [
              { name: "read_file", args: { path: "a.ts" } },
              { name: "glob", args: { pattern: "*" } },
            ],
          },
        ],
      },
      say("Done."),
      say("unused"),
    ]);
    const question = { role: "user", parts: [{ text: "read a.ts" }] };
    const first = await post("gemini3", key, { contents: [question] });
    const parts = sseDataValues(first.text).flatMap((value) =>
      ((value as { candidates: { content: { parts: Json[] } }[] }).candidates[0]?.content.parts ?? []).filter(
        (part) => "functionCall" in part,
      ),
    );
    expect(parts).toHaveLength(2);
    expect(parts[0]?.thoughtSignature).toMatch(/^sim-sig-/);
    expect(parts[1]).not.toHaveProperty("thoughtSignature");
    const answers = {
      role: "user",
      parts: [{ functionResponse: { name: "read_file", response: {} } }, { functionResponse: { name: "glob", response: {} } }],
    };
    const withCalls = (callParts: Json[]) => ({ contents: [question, { role: "model", parts: callParts }, answers] });

    const unsigned = await post("gemini3", key, withCalls(parts.map(({ thoughtSignature: _, ...part }) => part)));
    expect(unsigned.status).toBe(400);
    expect(unsigned.json()).toMatchObject({ error: { message: expect.stringContaining("Function call is missing a thought_signature") } });
    const madeUp = await post("gemini3", key, withCalls([{ ...parts[0], thoughtSignature: "sim-sig-made-up" }, parts[1] as Json]));
    expect(madeUp.json()).toEqual({ error: { code: 400, message: "Corrupted thought signature.", status: "INVALID_ARGUMENT" } });
    const placeholder = await post(
      "gemini3",
      key,
      withCalls([{ ...parts[0], thoughtSignature: "skip_thought_signature_validator" }, parts[1] as Json]),
    );
    expect(placeholder.status).toBe(200);
    const echoed = await post("gemini3", key, withCalls(parts));
    expect(echoed.status).toBe(200);
  });
});

describe("thinking before tool calls", () => {
  const toolTurn: TurnInput = { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_a", name: "read_file", args: { path: "a.ts" } }] }] };

  it("opens a tool turn with a signed thinking block when the request enables thinking, and takes it back", async () => {
    const key = await keyWith([toolTurn, say("Done.")]);
    const blocks = anthropicBlocks((await post("anthropic", key, messagesBody([user]))).text);
    expect(blocks.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(blocks[0]).toMatchObject({ thinking: expect.any(String), signature: expect.stringMatching(/^sim-sig-/) });
    const next = await post("anthropic", key, replay(blocks[0] as Json));
    expect(next.status).toBe(200);

    function replay(thinking: Json) {
      return messagesBody([
        user,
        { role: "assistant", content: [{ type: "thinking", thinking: thinking.thinking, signature: thinking.signature }, toolUse] },
        toolResult,
      ]);
    }
  });

  it("adds none without thinking, to a turn without tool calls, or where the script thinks already", async () => {
    const key = await keyWith([
      toolTurn,
      say("Just text."),
      { steps: [{ kind: "thinking", text: "Mine.", signature: "sig-mine" }, ...(toolTurn.steps ?? [])] },
    ]);
    const off = anthropicBlocks((await post("anthropic", key, messagesBody([user], null))).text);
    expect(off.map((block) => block.type)).toEqual(["tool_use"]);
    const text = anthropicBlocks((await post("anthropic", key, messagesBody([user]))).text);
    expect(text.map((block) => block.type)).toEqual(["text"]);
    const scripted = anthropicBlocks((await post("anthropic", key, messagesBody([user]))).text);
    expect(scripted.map((block) => [block.type, block.signature])).toEqual([
      ["thinking", "sig-mine"],
      ["tool_use", undefined],
    ]);
  });

  it("refuses the next request of a tool loop that dropped the thinking block", async () => {
    const key = await keyWith([toolTurn, say("unused")]);
    await post("anthropic", key, messagesBody([user]));
    const dropped = await post("anthropic", key, messagesBody([user, { role: "assistant", content: [toolUse] }, toolResult]));
    expect(dropped.status).toBe(400);
    expect(dropped.json()).toMatchObject({
      error: {
        message: expect.stringMatching(
          /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`\./,
        ),
      },
    });
  });
});
