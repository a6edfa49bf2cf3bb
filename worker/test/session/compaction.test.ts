// Proves (issue 12 §2, §3): the compaction plan and view, pure — old tool results beyond the newest
// turns become stubs that say how to get them back, older turns give way to a summary that opens
// the conversation (as a cache-stable prefix), the newest turns are kept word for word, and a
// session's context size is the provider's last count plus estimates for what came after.
import type { ContentPart, Message, MessageId, TokenUsage, TurnId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { KEEP_TOOL_OUTPUT_TURNS, planPrune, planSummary } from "../../src/session/compaction.ts";
import { compact } from "../../src/session/compactor.ts";
import { contextTokensOf } from "../../src/session/context-accounting.ts";
import { estimateTokens } from "../../src/session/context-estimate.ts";
import { toConversation } from "../../src/session/history.ts";

let serial = 0;
function message(role: Message["role"], content: ContentPart[], extra: Partial<Message> = {}): Message {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}` as MessageId,
    session_id: "00000000-0000-4000-8000-aaaaaaaaaaaa" as Message["session_id"],
    conversation_id: "00000000-0000-4000-8000-bbbbbbbbbbbb" as Message["conversation_id"],
    parent_id: null,
    turn_id: "00000000-0000-4000-8000-cccccccccccc" as TurnId,
    role,
    content,
    status: "complete",
    provider: null,
    model: null,
    credential_id: null,
    usage: null,
    cost_usd: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    stop_reason: null,
    error: null,
    created_at: new Date(1_800_000_000_000 + serial).toISOString(),
    ...extra,
  };
}

const BIG = "x".repeat(5000);
/** One turn: the person asks, the model reads a file (a big result) and answers. */
function turn(index: number, usage?: TokenUsage): Message[] {
  const callId = `call_${index}` as never;
  return [
    message("user", [{ type: "text", text: `question ${index}` }]),
    message("assistant", [{ type: "tool_call", call_id: callId, name: "read_file", args: { path: `f${index}.ts` } }]),
    message("tool", [{ type: "tool_result", call_id: callId, name: "read_file", ok: true, output: BIG }]),
    message("assistant", [{ type: "text", text: `answer ${index}` }], usage === undefined ? {} : { usage }),
  ];
}

const resultText = (conversation: ReturnType<typeof toConversation>) =>
  conversation.flatMap((each) => each.content.flatMap((part) => (part.type === "tool_result" ? [part.output] : [])));

describe("pruning", () => {
  it("stubs the results of all but the newest turns, saying what they were and how to get them back", async () => {
    const messages = [1, 2, 3, 4, 5].flatMap((index) => turn(index));
    const through = planPrune(messages);
    // Turns 1 and 2 are beyond the newest three.
    expect(through).toBe(messages[7]?.id);
    const stored = await compact(
      { messages, trigger: "auto", contextTokens: 10_000, targetTokens: 9_000, windowTokens: 20_000 },
      {
        summarise: () => Promise.reject(new Error("a prune was enough")),
        store: (part) => Promise.resolve(message("compaction", [part])),
      },
    );
    expect(stored?.content[0]).toMatchObject({ type: "compaction", trigger: "auto", pruned_through: through, summary: null });
    const outputs = resultText(toConversation([...messages, stored as Message]));
    expect(outputs.slice(0, 2)).toEqual(
      [0, 1].map((): unknown => expect.stringMatching(/^\[Output elided .*read_file returned 5,000 characters.*Run the tool again/)),
    );
    expect(outputs.slice(2)).toEqual([BIG, BIG, BIG]);
    expect(KEEP_TOOL_OUTPUT_TURNS).toBe(3);
  });
});

describe("summarising", () => {
  it("replaces the older turns with a summary that opens the conversation, keeping the newest two whole", async () => {
    const messages = [1, 2, 3, 4].flatMap((index) => turn(index));
    let asked: ReturnType<typeof toConversation> = [];
    const stored = await compact(
      {
        messages,
        trigger: "manual",
        instructions: "keep the file names",
        contextTokens: 50_000,
        targetTokens: 10_000,
        windowTokens: 100_000,
      },
      {
        summarise: (conversation) => {
          asked = conversation;
          return Promise.resolve({ text: "The person asked four questions about f1–f4.", usage: null, costUsd: null, error: null });
        },
        store: (part) => Promise.resolve(message("compaction", [part])),
      },
    );
    // The summary was asked for the turns it replaces, ending with the request (and the instructions).
    expect(asked.at(-1)?.content[0]).toMatchObject({ type: "text", text: expect.stringContaining("keep the file names") });
    expect(JSON.stringify(asked)).toContain("question 2");
    expect(JSON.stringify(asked)).not.toContain("question 3");
    const part = stored?.content[0];
    expect(part).toMatchObject({
      summarized_through: messages[7]?.id,
      summary: "The person asked four questions about f1–f4.",
      instructions: "keep the file names",
    });
    const after = toConversation([...messages, stored as Message]);
    expect(after[0]).toMatchObject({
      role: "user",
      stable: true,
      content: [{ type: "text", text: expect.stringContaining("four questions") }],
    });
    expect(JSON.stringify(after)).not.toContain("question 2");
    expect(after.slice(1).map((each) => each.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  it("never says the context is smaller than what it still sends, whatever count it started from", async () => {
    // A provider (or a simulator) that counted fewer tokens than the estimates take out.
    const messages = [1, 2, 3, 4].flatMap((index) => turn(index));
    const summary = "Four questions about f1–f4.";
    const stored = await compact(
      { messages, trigger: "manual", contextTokens: 200, targetTokens: 170, windowTokens: 200_000, keepTurns: 1 },
      {
        summarise: () => Promise.resolve({ text: summary, usage: null, costUsd: null, error: null }),
        store: (part) => Promise.resolve(message("compaction", [part])),
      },
    );
    const kept = messages.slice(12).reduce((sum, each) => sum + estimateTokens(each.content), 0);
    expect(kept).toBeGreaterThan(1000);
    expect(stored?.content[0]).toMatchObject({ summarized_through: messages[11]?.id });
    expect((stored?.content[0] as { tokens_after: number }).tokens_after).toBeGreaterThanOrEqual(kept);
  });

  it("has nothing to summarise in a conversation of two turns, and nothing to prune in one", () => {
    expect(planSummary([1, 2].flatMap((index) => turn(index)))).toBeNull();
    expect(planPrune([1, 2, 3].flatMap((index) => turn(index)))).toBeNull();
  });
});

describe("context accounting", () => {
  it("is the provider's last count of input and answer, plus an estimate of what came after", () => {
    const usage = { input_tokens: 1000, output_tokens: 200, cache_read_tokens: 30_000, cache_write_tokens: 500 };
    const messages = [...turn(1, usage), message("user", [{ type: "text", text: "and now?" }])];
    expect(contextTokensOf(messages)).toBe(31_700 + estimateTokens([{ type: "text", text: "and now?" }]));
  });

  it("after a compaction, starts from the compaction's estimate", () => {
    const messages = turn(1, { input_tokens: 90_000, output_tokens: 10, cache_read_tokens: 0, cache_write_tokens: 0 });
    const compaction = message("compaction", [
      {
        type: "compaction",
        trigger: "auto",
        pruned_through: null,
        summarized_through: messages[3]?.id ?? null,
        summary: "s",
        tokens_before: 90_010,
        tokens_after: 1_234,
      },
    ]);
    expect(contextTokensOf([...messages, compaction])).toBe(1_234);
  });
});
