// Proves (issue 11 §1), as a property: whatever happens in a session — turns with text, thinking
// and parallel tool calls, cancels at any moment, approvals, denials and timeouts, failing tools,
// providers failing before or after output, output limits inside a tool call, results that could
// not be written, and crashes at any point of a turn followed by the session's recovery — every
// request the agent loop sends, and the next turn's request, obey the provider's pairing and
// ordering rules (the same check the request builders run before anything leaves). The session
// store below does what turns.ts does with each loop event; the model answers in the shape its
// provider gives (Claude thinks first when it calls tools, Responses reasoning is encrypted…).
import type { ContentPart, Message, ProviderId, StreamEvent, ToolCallId, TurnId } from "@maestro/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAnthropicRequest } from "../../src/providers/anthropic.ts";
import { toGeminiRequest } from "../../src/providers/gemini.ts";
import { toOpenAIRequest } from "../../src/providers/openai.ts";
import { toResponsesRequest } from "../../src/providers/openai-responses.ts";
import type { ProviderRequest } from "../../src/providers/provider.ts";
import { checkWireRequest } from "../../src/providers/wire-rules.ts";
import { type LoopEvent, runTurn, toolResultPart } from "../../src/session/agent-loop.ts";
import { interruptedResult, toConversation, unansweredCalls } from "../../src/session/history.ts";
import { FakeApprovals, FakeTools, ScriptedProvider, deps } from "./scripted.ts";

const MODELS: Record<ProviderId, string> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  codex: "gpt-5.5",
  gemini: "gemini-3-pro-preview",
};

const BUILDERS: Record<ProviderId, (request: ProviderRequest) => Record<string, unknown>> = {
  anthropic: toAnthropicRequest,
  openai: toOpenAIRequest,
  openai_responses: (request) => toResponsesRequest(request, "session"),
  codex: (request) => toResponsesRequest(request, "session"),
  gemini: toGeminiRequest,
};

function violations(provider: ProviderId, request: ProviderRequest): string[] {
  return checkWireRequest(provider, BUILDERS[provider]({ ...request, model: MODELS[provider] }), { model: MODELS[provider] });
}

// ── What can happen ──────────────────────────────────────────────────────────────────────────

type Infer<A> = A extends fc.Arbitrary<infer T> ? T : never;

const TOOL_NAMES = ["read_file", "write_file", "run_shell_command"] as const;

const CallSpec = fc.record({
  name: fc.constantFrom(...TOOL_NAMES),
  outcome: fc.constantFrom("ok", "fail", "throw"),
  approval: fc.constantFrom("approve", "deny", "timeout"),
});

/** One model call: what it says, and how it ends. */
const StepSpec = fc.record({
  think: fc.boolean(),
  text: fc.boolean(),
  calls: fc.array(CallSpec, { maxLength: 3 }),
  ending: fc.constantFrom("normal", "normal", "normal", "error_before_output", "error_after_output", "limit_in_call"),
});

/** A turn: the model calls it makes (the loop stops asking when it stops calling tools), and what cuts it short. */
const TurnSpec = fc.record({
  steps: fc.array(StepSpec, { minLength: 1, maxLength: 4 }),
  cancelAt: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
  crashAt: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
  failWriteOfResults: fc.boolean(),
});

// ── The model, in its provider's shape ───────────────────────────────────────────────────────

let serial = 0;
const fresh = (prefix: string) => `${prefix}${(serial += 1)}`;

function modelEvents(provider: ProviderId, step: Infer<typeof StepSpec>): StreamEvent[] {
  const events: StreamEvent[] = [];
  const usage: StreamEvent = { type: "usage", input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0 };
  if (step.ending === "error_before_output") return [{ type: "error", code: "PROVIDER_ERROR", message: "refused", retryable: false }];
  // Claude always opens a tool-calling answer with thinking when thinking is on.
  const think = step.think || (provider === "anthropic" && step.calls.length > 0);
  if (think) {
    const itemId = provider === "openai_responses" ? fresh("rs_") : undefined;
    const signature = provider === "openai" ? undefined : fresh("sig_");
    events.push({ type: "thinking_delta", text: "Let me think.", ...(itemId !== undefined && { item_id: itemId }) });
    if (signature !== undefined)
      events.push({ type: "thinking_delta", text: "", signature, ...(itemId !== undefined && { item_id: itemId }) });
  }
  if (step.text) events.push({ type: "text_delta", text: "Working on it." });
  for (const call of step.calls) {
    const id = fresh("call_") as ToolCallId;
    const args = { path: "a.ts", command: "ls" };
    events.push({ type: "tool_call", phase: "start", call_id: id, name: call.name });
    events.push({ type: "tool_call", phase: "args_delta", call_id: id, delta: JSON.stringify(args) });
    events.push({ type: "tool_call", phase: "end", call_id: id, args, ...(provider === "gemini" && { signature: fresh("tsig_") }) });
  }
  if (step.ending === "limit_in_call") {
    const id = fresh("call_") as ToolCallId;
    events.push(
      { type: "tool_call", phase: "start", call_id: id, name: "write_file" },
      { type: "tool_call", phase: "args_delta", call_id: id, delta: '{"pa' },
    );
    return [
      ...events,
      usage,
      {
        type: "stop",
        reason: "max_tokens",
        detail: "The output limit was reached while the model was writing a tool call (write_file); the call was not run.",
      },
    ];
  }
  if (step.ending === "error_after_output")
    return [...events, usage, { type: "error", code: "STREAM_INTERRUPTED", message: "cut", retryable: true }];
  return [...events, usage, { type: "stop", reason: step.calls.length > 0 ? "tool_use" : "end_turn" }];
}

// ── The session store: what turns.ts does with each loop event ───────────────────────────────

function message(role: Message["role"], content: ContentPart[], turnId: TurnId, status: Message["status"] = "complete"): Message {
  return {
    id: crypto.randomUUID() as Message["id"],
    session_id: "00000000-0000-4000-8000-000000000000" as Message["session_id"],
    conversation_id: "00000000-0000-4000-8000-000000000001" as Message["conversation_id"],
    parent_id: null,
    turn_id: turnId,
    role,
    content,
    status,
    provider: null,
    model: null,
    credential_id: null,
    usage: null,
    cost_usd: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    stop_reason: null,
    error: null,
    created_at: new Date().toISOString(),
  };
}

/** Before a turn and after a restart: every call without a result gets `interrupted` (Transcript.storeInterruptedResults). */
function repair(stored: Message[]): void {
  const byAnswer = new Map<Message, ContentPart[]>();
  for (const { call, message: answer } of unansweredCalls(stored))
    byAnswer.set(answer, [...(byAnswer.get(answer) ?? []), interruptedResult(call)]);
  for (const [answer, parts] of byAnswer) stored.push(message("tool", parts, answer.turn_id as TurnId));
}

async function playTurn(provider: ProviderId, stored: Message[], turn: Infer<typeof TurnSpec>, sent: ProviderRequest[]): Promise<void> {
  repair(stored);
  const turnId = crypto.randomUUID() as TurnId;
  stored.push(message("user", [{ type: "text", text: "next" }], turnId));
  const scripted = new ScriptedProvider(
    turn.steps
      .map((step) => modelEvents(provider, step))
      .concat(
        Array(8).fill([
          { type: "text_delta", text: "ok" },
          { type: "stop", reason: "end_turn" },
        ]),
      ),
  );
  const specs = turn.steps.flatMap((step) => step.calls);
  const plan = (name: string) => specs.find((spec) => spec.name === name);
  const tools = new FakeTools(
    Object.fromEntries(
      TOOL_NAMES.map((name) => [
        name,
        {
          kind: name === "read_file" ? ("read" as const) : name === "write_file" ? ("edit" as const) : ("execute" as const),
          approval: "default" as const,
          source: "local" as const,
          run: async () => {
            const outcome = plan(name)?.outcome ?? "ok";
            if (outcome === "throw") throw new Error("tool crashed");
            return outcome === "ok"
              ? { ok: true as const, output: "done" }
              : { ok: false as const, code: "EXECUTION_FAILED" as const, message: "failed", recoverable: true };
          },
        },
      ]),
    ),
  );
  const approvals = new FakeApprovals((tool) => {
    const decision = plan(tool)?.approval ?? "approve";
    return decision === "approve"
      ? { decision: "approve", by: "web" }
      : decision === "deny"
        ? { decision: "deny", by: "tui" }
        : { decision: "deny", by: "timeout" };
  });
  const controller = new AbortController();
  const loop = runTurn(deps({ provider: scripted, providerId: provider, tools, approvals, approvalMode: "ask" }), {
    turnId,
    model: MODELS[provider],
    system: "be brief",
    history: toConversation(stored),
    signal: controller.signal,
  });
  let index = 0;
  let crashed = false;
  for await (const event of loop as AsyncIterable<LoopEvent>) {
    if (index === turn.cancelAt) controller.abort();
    if (index === turn.crashAt) {
      crashed = true;
      break;
    }
    index += 1;
    if (event.kind === "step") {
      const content =
        event.step.status === "complete" ? event.step.content : event.step.content.filter((part) => part.type !== "tool_call");
      stored.push(message("assistant", content, turnId, event.step.status));
    } else if (event.kind === "tool_results") {
      if (turn.failWriteOfResults) {
        // The write failed: the turn ends with an error answer, the results are lost.
        stored.push(message("assistant", [], turnId, "error"));
        break;
      }
      stored.push(message("tool", event.executions.map(toolResultPart), turnId));
    }
  }
  sent.push(...scripted.requests);
  // A crash: the object restarts, recovers the turn (TurnManager.recover), and repairs the history.
  if (crashed) repair(stored);
}

describe.each(["anthropic", "openai", "openai_responses", "gemini"] as const)("%s history under anything", (provider) => {
  it("sends only requests the API accepts, across turns, cancels, failures and crashes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(TurnSpec, { minLength: 1, maxLength: 4 }), async (turns) => {
        const stored: Message[] = [];
        const sent: ProviderRequest[] = [];
        for (const turn of turns) await playTurn(provider, stored, turn, sent);
        // And the request the next turn would send.
        repair(stored);
        stored.push(message("user", [{ type: "text", text: "and now?" }], crypto.randomUUID() as TurnId));
        sent.push({ model: MODELS[provider], system: "be brief", messages: toConversation(stored), tools: [] });
        for (const request of sent) expect(violations(provider, request), JSON.stringify(request.messages)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
