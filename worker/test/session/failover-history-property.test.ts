// Proves, as a property: whatever mix of providers wrote a session's answers — each in its own
// shape (Claude thinks, signed, before it calls tools; Responses reasoning is an encrypted item;
// Gemini signs its text, thoughts and calls; ids in each provider's style, Gemini's long) — the
// history sent to any provider after failovers obeys that provider's pairing, ordering and
// thinking rules (the checks the request builders run before anything leaves), every tool call
// still has its result under the same id, and no signature or thinking another provider (or
// another account of the same provider) wrote reaches it: only the target's own signatures travel.
import type { ContentPart, Message, ProviderId, ToolCallId, TurnId } from "@maestro/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAnthropicRequest } from "../../src/providers/anthropic.ts";
import { toGeminiRequest } from "../../src/providers/gemini.ts";
import { toOpenAIRequest } from "../../src/providers/openai.ts";
import { toResponsesRequest } from "../../src/providers/openai-responses.ts";
import type { ProviderRequest } from "../../src/providers/provider.ts";
import { checkWireRequest } from "../../src/providers/wire-rules.ts";
import { toConversation } from "../../src/session/history.ts";
import { historyFor } from "../../src/session/provider-history.ts";

type Target = "anthropic" | "openai" | "openai_responses" | "gemini";
const TARGETS: readonly Target[] = ["anthropic", "openai", "openai_responses", "gemini"];

const MODELS: Record<Target, string> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  gemini: "gemini-3-pro-preview",
};

const BUILDERS: Record<Target, (request: ProviderRequest) => Record<string, unknown>> = {
  anthropic: toAnthropicRequest,
  openai: toOpenAIRequest,
  openai_responses: (request) => toResponsesRequest(request, "session"),
  gemini: toGeminiRequest,
};

const Step = fc.record({
  provider: fc.constantFrom<Target>(...TARGETS),
  /** Which of two accounts (credentials) of that provider answered. */
  account: fc.constantFrom(0, 1),
  think: fc.boolean(),
  text: fc.boolean(),
  calls: fc.integer({ min: 0, max: 2 }),
});
/** A turn: the user's message, then model steps; every step but the last calls tools. */
const Turn = fc.array(Step, { minLength: 1, maxLength: 4 });
const Session = fc.record({
  turns: fc.array(Turn, { minLength: 1, maxLength: 3 }),
  /** Whether the last turn is still in its tool loop (its last step's results are the newest messages). */
  openLoop: fc.boolean(),
});

let serial = 0;
const fresh = () => (serial += 1);

function message(role: Message["role"], content: ContentPart[], provider: ProviderId | null, account = 0): Message {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}` as Message["id"],
    session_id: "00000000-0000-4000-8000-aaaaaaaaaaaa" as Message["session_id"],
    conversation_id: "00000000-0000-4000-8000-bbbbbbbbbbbb" as Message["conversation_id"],
    parent_id: null,
    turn_id: "00000000-0000-4000-8000-cccccccccccc" as TurnId,
    role,
    content,
    status: "complete",
    provider,
    model: provider === null ? null : MODELS[provider as Target],
    credential_id: provider === null ? null : (`credential-${provider}-${account}` as Message["credential_id"]),
    usage: null,
    cost_usd: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    stop_reason: null,
    error: null,
    created_at: new Date(1_800_000_000_000 + serial).toISOString(),
  };
}

/** Signatures and thinking carry their provider's name, so a leak is visible in any request body. */
function answer(step: { provider: Target; account: number; think: boolean; text: boolean }, calls: number): ContentPart[] {
  const who = `${step.provider}-${step.account}`;
  const { provider } = step;
  const parts: ContentPart[] = [];
  const n = fresh();
  // Claude always opens a tool-calling answer with thinking when thinking is on.
  if (step.think || (provider === "anthropic" && calls > 0)) {
    const text = `thought-of-${who}-${n}`;
    if (provider === "openai_responses") parts.push({ type: "thinking", text, item_id: `rs_${n}`, signature: `enc-${who}-${n}` });
    else if (provider !== "openai") parts.push({ type: "thinking", text, signature: `sig-${who}-${n}` });
  }
  if (step.text || (calls === 0 && parts.length === 0))
    parts.push({ type: "text", text: `said-${n}`, ...(provider === "gemini" && { signature: `sig-${who}-text-${n}` }) });
  for (let index = 0; index < calls; index += 1) {
    const id =
      provider === "anthropic"
        ? `toolu_${n}_${index}`
        : provider === "gemini"
          ? `gemini_call_${crypto.randomUUID()}`
          : `call_${n}_${index}`;
    parts.push({
      type: "tool_call",
      call_id: id as ToolCallId,
      name: "read_file",
      args: { path: `f${index}.ts` },
      ...(provider === "gemini" && index === 0 && { signature: `sig-${who}-call-${n}` }),
    });
  }
  return parts;
}

function sessionMessages(spec: {
  turns: { provider: Target; account: number; think: boolean; text: boolean; calls: number }[][];
  openLoop: boolean;
}): Message[] {
  const messages: Message[] = [];
  spec.turns.forEach((turn, turnIndex) => {
    messages.push(message("user", [{ type: "text", text: `ask ${turnIndex}` }], null));
    const last = turnIndex === spec.turns.length - 1;
    turn.forEach((step, stepIndex) => {
      const final = stepIndex === turn.length - 1;
      // Every step but the last calls tools; the last does too when the loop is still open.
      const calls = !final ? Math.max(1, step.calls) : last && spec.openLoop ? Math.max(1, step.calls) : 0;
      const parts = answer(step, calls);
      messages.push(message("assistant", parts, step.provider, step.account));
      const results = parts.flatMap((part): ContentPart[] =>
        part.type === "tool_call" ? [{ type: "tool_result", call_id: part.call_id, name: part.name, ok: true, output: "x" }] : [],
      );
      if (results.length > 0) messages.push(message("tool", results, null));
    });
  });
  return messages;
}

describe("history after failovers, under any mix of providers", () => {
  it("is a request every target accepts, with every result, and only the target's own signatures", () => {
    fc.assert(
      fc.property(Session, (spec) => {
        const messages = sessionMessages(spec);
        const conversation = toConversation(messages);
        for (const target of TARGETS) {
          const sent = historyFor(conversation, { provider: target, credentialId: `credential-${target}-0` });
          const request: ProviderRequest = { model: MODELS[target], system: "s", messages: sent, tools: [] };
          const body = BUILDERS[target](request);
          expect(checkWireRequest(target, body, { model: MODELS[target] }), `${target}: wire rules`).toEqual([]);
          const text = JSON.stringify(body);
          // Its account 1 is another organisation: as foreign to account 0 as another provider.
          for (const other of TARGETS.flatMap((provider) => [`${provider}-0`, `${provider}-1`])) {
            if (other === `${target}-0`) continue;
            expect(text, `${target} got ${other}'s signature`).not.toMatch(new RegExp(`(sig|enc)-${other}-`));
            expect(text, `${target} got ${other}'s thinking`).not.toContain(`thought-of-${other}-`);
          }
          // Every call the target is sent still has its one result, under the same id.
          const calls = sent.flatMap((entry) => entry.content.flatMap((part) => (part.type === "tool_call" ? [part.call_id] : [])));
          const results = sent.flatMap((entry) => entry.content.flatMap((part) => (part.type === "tool_result" ? [part.call_id] : [])));
          expect([...results].sort(), `${target}: results`).toEqual([...calls].sort());
          expect(calls.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
