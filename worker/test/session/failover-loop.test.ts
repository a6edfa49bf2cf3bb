// Proves, with scripted providers (no workerd state): the agent loop fails over only when a model
// call failed for good before any output — retries spent, or at once on a refused key, a missing
// model or a credential that needs a new login — never after output was shown or for a request
// the provider found invalid; a fallback sees the history without the other provider's thinking
// and signatures, with tool ids it accepts; and provider-history.ts leaves a provider's own
// answers (and answers whose provider is unknown) exactly as they were.
import type { ContentPart, Fallback, ProviderId, StreamEvent } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.ts";
import type { ConversationMessage } from "../../src/providers/provider.ts";
import { type LoopEvent, runTurn } from "../../src/session/agent-loop.ts";
import { type CallTarget, FailoverChain } from "../../src/session/failover.ts";
import { historyFor, portableCallId } from "../../src/session/provider-history.ts";
import { FakeTools, ScriptedProvider, deps, input, text, toolCalls } from "./scripted.ts";

async function collect(events: AsyncIterable<LoopEvent>): Promise<LoopEvent[]> {
  const all: LoopEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const streamed = (events: LoopEvent[]): StreamEvent[] => events.flatMap((event) => (event.kind === "stream" ? [event.event] : []));
const steps = (events: LoopEvent[]) => events.flatMap((event) => (event.kind === "step" ? [event.step] : []));

const overloaded: StreamEvent[] = [{ type: "error", code: "PROVIDER_UNAVAILABLE", message: "Overloaded", retryable: true }];
const refused: StreamEvent[] = [{ type: "error", code: "PROVIDER_AUTH", message: "invalid x-api-key", retryable: false }];
const invalid: StreamEvent[] = [{ type: "error", code: "PROVIDER_ERROR", message: "bad request", retryable: false }];

/** A chain whose fallbacks are the given scripted providers, in order. */
function chain(...fallbacks: { provider: ScriptedProvider; id: ProviderId; credential?: () => Promise<never> }[]): FailoverChain {
  const list: Fallback[] = fallbacks.map((fallback) => ({ provider: fallback.id, model: `${fallback.id}-model` }));
  let index = 0;
  return new FailoverChain(list, (fallback): CallTarget => {
    const entry = fallbacks[index++];
    if (entry === undefined) throw new Error("no such fallback");
    return {
      providerId: fallback.provider,
      provider: entry.provider,
      model: fallback.model,
      credentialId: null,
      credentialForCall: entry.credential ?? (() => Promise.resolve({ apiKey: "k", baseUrl: null })),
    };
  });
}

const withTool = new FakeTools({ read_file: { kind: "read", approval: "auto", source: "local" } });
const thinkingCall: StreamEvent[] = [
  { type: "thinking_delta", text: "let me look", signature: "anthropic-sig" },
  { type: "text_delta", text: "Looking.", signature: "text-sig" },
  ...toolCalls({ id: "toolu_01", name: "read_file", args: { path: "a.ts" } }),
];

describe("failover in the agent loop", () => {
  it("goes on with the fallback once retries are spent mid tool loop, showing no error", async () => {
    const primary = new ScriptedProvider([thinkingCall, overloaded, overloaded, overloaded]);
    const fallback = new ScriptedProvider([text("done")]);
    const events = await collect(
      runTurn(deps({ provider: primary, tools: withTool, failover: chain({ provider: fallback, id: "openai" }) }), input()),
    );
    expect(events.at(-1)).toEqual({ kind: "end", status: "completed" });
    expect(streamed(events).filter((event) => event.type === "error")).toEqual([]);
    expect(streamed(events).find((event) => event.type === "failover")).toMatchObject({
      from: { provider: "anthropic", model: "claude-sonnet-4-5" },
      to: { provider: "openai", model: "openai-model" },
      code: "PROVIDER_UNAVAILABLE",
    });
    expect(steps(events).map((step) => step.target.provider)).toEqual(["anthropic", "openai"]);
    // What the fallback was sent: the call and its result, no thinking, no signature.
    const sent = fallback.requests[0]?.messages ?? [];
    const assistant = sent.find((message) => message.role === "assistant");
    expect(assistant?.content).toEqual([
      { type: "text", text: "Looking." },
      { type: "tool_call", call_id: "toolu_01", name: "read_file", args: { path: "a.ts" } },
    ]);
    expect(sent.at(-1)?.content[0]).toMatchObject({ type: "tool_result", call_id: "toolu_01" });
  });

  it("moves on at once from a refused key", async () => {
    const primary = new ScriptedProvider([refused]);
    const fallback = new ScriptedProvider([text("fine")]);
    const events = await collect(runTurn(deps({ provider: primary, failover: chain({ provider: fallback, id: "gemini" }) }), input()));
    expect(primary.requests).toHaveLength(1);
    expect(events.at(-1)).toEqual({ kind: "end", status: "completed" });
  });

  it("moves on from a credential that needs a new login, and past a fallback whose credential is gone", async () => {
    const primary = new ScriptedProvider([]);
    const second = new ScriptedProvider([]);
    const third = new ScriptedProvider([text("third")]);
    const signedOut = () => Promise.reject(new AppError("CREDENTIAL_UNAVAILABLE", 'The credential "work" needs a new login.'));
    const gone = () => Promise.reject(new AppError("CREDENTIAL_NOT_FOUND", "No credential with that id."));
    const events = await collect(
      runTurn(
        deps({
          provider: primary,
          credentialForCall: signedOut,
          failover: chain({ provider: second, id: "openai", credential: gone }, { provider: third, id: "gemini" }),
        }),
        input(),
      ),
    );
    expect(streamed(events).flatMap((event) => (event.type === "failover" ? [event.code] : []))).toEqual([
      "CREDENTIAL_UNAVAILABLE",
      "CREDENTIAL_NOT_FOUND",
    ]);
    expect(steps(events).at(-1)?.target.provider).toBe("gemini");
  });

  it("does not fail over a request the provider found invalid, nor an answer that broke off after output", async () => {
    const unused = new ScriptedProvider([]);
    const invalidEvents = await collect(
      runTurn(deps({ provider: new ScriptedProvider([invalid]), failover: chain({ provider: unused, id: "openai" }) }), input()),
    );
    expect(invalidEvents.at(-1)).toEqual({ kind: "end", status: "failed" });
    const broken: StreamEvent[] = [
      { type: "text_delta", text: "Half" },
      { type: "error", code: "STREAM_INTERRUPTED", message: "cut", retryable: true },
    ];
    const brokenEvents = await collect(
      runTurn(deps({ provider: new ScriptedProvider([broken]), failover: chain({ provider: unused, id: "openai" }) }), input()),
    );
    expect(steps(brokenEvents)[0]).toMatchObject({ status: "partial" });
    expect(unused.requests).toHaveLength(0);
  });

  it("with every fallback failed, fails with the first error and names the last", async () => {
    const events = await collect(
      runTurn(
        deps({
          provider: new ScriptedProvider([refused]),
          failover: chain({ provider: new ScriptedProvider([overloaded, overloaded, overloaded]), id: "openai" }),
        }),
        input(),
      ),
    );
    expect(events.at(-1)).toEqual({ kind: "end", status: "failed" });
    const errors = streamed(events).filter((event) => event.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "PROVIDER_AUTH",
      message: expect.stringMatching(/^invalid x-api-key \(Every fallback failed too; the last, openai-model: Overloaded\)$/),
    });
    expect(steps(events)[0]).toMatchObject({ status: "error", target: { provider: "anthropic" } });
  });

  it("records what a failed call reported before it moves on: those tokens were spent", async () => {
    const usage: StreamEvent = { type: "usage", input_tokens: 1000, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };
    const overloadedAfterStart: StreamEvent[] = [usage, ...refused];
    const events = await collect(
      runTurn(
        deps({
          provider: new ScriptedProvider([overloadedAfterStart]),
          failover: chain({ provider: new ScriptedProvider([text("ok")]), id: "openai" }),
        }),
        input(),
      ),
    );
    expect(steps(events).map((step) => [step.target.provider, step.status, step.usage?.input_tokens ?? null])).toEqual([
      ["anthropic", "error", 1000],
      ["openai", "complete", 10],
    ]);
    expect(steps(events)[0]?.costUsd).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ kind: "end", status: "completed" });
  });

  it("without fallbacks, a final failure is shown as before", async () => {
    const events = await collect(runTurn(deps({ provider: new ScriptedProvider([refused]) }), input()));
    expect(streamed(events)).toEqual(refused);
  });
});

describe("history for another provider", () => {
  const thinking: ContentPart = { type: "thinking", text: "hmm", signature: "sig" };
  const call: ContentPart = {
    type: "tool_call",
    call_id: "gemini_call_0b8a6c1e-2f0d-4c5e-9a51-2d0c7a3b9e11" as never,
    name: "read_file",
    args: {},
    signature: "thought-sig",
  };
  const history: ConversationMessage[] = [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    {
      role: "assistant",
      content: [thinking, { type: "text", text: "ok", signature: "s" }, call],
      producedBy: { provider: "gemini", credentialId: "g" },
    },
    { role: "tool", content: [{ type: "tool_result", call_id: call.call_id, name: "read_file", ok: true, output: "x" }] },
  ];

  it("leaves the provider's own answers, and answers of no recorded provider, as they were", () => {
    expect(historyFor(history, { provider: "gemini", credentialId: "g" })).toEqual(history);
    const unknown = history.map(({ producedBy: _producedBy, ...message }) => message);
    expect(historyFor(unknown, { provider: "anthropic", credentialId: null })).toEqual(unknown);
  });

  it("drops thinking and signatures and gives over-long ids a stable portable one, in the call and its result", () => {
    const converted = historyFor(history, { provider: "openai", credentialId: "o" });
    const portable = portableCallId(call.call_id);
    expect(portable).toMatch(/^call_[0-9a-f]{16}$/);
    expect(converted[1]?.content).toEqual([
      { type: "text", text: "ok" },
      { type: "tool_call", call_id: portable, name: "read_file", args: {} },
    ]);
    expect(converted[2]?.content[0]).toMatchObject({ call_id: portable });
    expect(historyFor(history, { provider: "anthropic", credentialId: null })).toEqual(converted);
    // The same provider on another account cannot read the other's signatures either.
    expect(historyFor(history, { provider: "gemini", credentialId: "another" })[1]?.content).toEqual(converted[1]?.content);
    // An answer whose credential was not recorded is judged by its provider.
    const legacy = history.map((message) =>
      message.producedBy == null ? message : { ...message, producedBy: { provider: message.producedBy.provider, credentialId: null } },
    );
    expect(historyFor(legacy, { provider: "gemini", credentialId: "another" })).toEqual(legacy);
  });

  it("drops an answer that was only thinking, joining the turns around it", () => {
    const onlyThinking: ConversationMessage[] = [
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "assistant", content: [thinking], producedBy: { provider: "anthropic", credentialId: null } },
      { role: "user", content: [{ type: "text", text: "b" }] },
    ];
    expect(historyFor(onlyThinking, { provider: "openai", credentialId: null })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
    ]);
  });
});
