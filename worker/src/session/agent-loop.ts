/**
 * The agent loop (DESIGN §2 steps 3–5): ask the model, stream what it says, run the tools it
 * calls (asking the user first where the approval mode says so; reads side by side, anything
 * else one at a time, see tool-batches.ts), feed the results back, and go again until it stops,
 * fails, is cancelled, or reaches the step limit. A model that fails for good hands the step,
 * and the rest of the turn, to the session's next fallback (failover.ts), each request's history
 * cleaned for whoever answers it (provider-history.ts). A plain module: the Durable Object drives
 * it and decides what to store and broadcast; tests drive it with a scripted provider.
 */
import type {
  AgentId,
  ApprovalMode,
  ContentPart,
  DecidedByRule,
  ToolDecisionSource,
  ModelTarget,
  ProviderId,
  StreamEvent,
  ToolCallId,
  ToolOutcome,
  ToolSource,
  TurnId,
  TurnStatus,
} from "@maestro/protocol";
import { costFor } from "../providers/pricing.ts";
import type { ConversationMessage, Provider, ProviderContext, ProviderExchange, StreamTimeouts } from "../providers/provider.ts";
import { needsApproval } from "./approval-policy.ts";
import { type RetryPolicy, streamWithRetries } from "./retry.ts";
import { type BuiltStep, StepBuilder, isOutput } from "./step-builder.ts";
import type { ApprovalGate, ToolRuntime } from "./turn-ports.ts";
import { AsyncQueue } from "./async-queue.ts";
import type { CredentialForCall } from "./credential-lease.ts";
import { batchCalls, runTogether } from "./tool-batches.ts";
import { type CallTarget, type FailoverChain, describeTarget, failsOver, isCredentialFailure } from "./failover.ts";
import { historyFor } from "./provider-history.ts";
import { type RuleBook, describeRule } from "./rule-book.ts";

export interface TurnDeps {
  readonly provider: Provider;
  readonly providerId: ProviderId;
  /** Asked before every model call (and every retry of one): a long turn outlives a token. */
  readonly credentialForCall: CredentialForCall;
  /** The session's credential, recorded with every answer it produced. */
  readonly credentialId?: string | null;
  /** The session's fallbacks for this turn (failover.ts); none when absent. */
  readonly failover?: FailoverChain;
  readonly fetch: typeof fetch;
  readonly sessionKey: string;
  readonly tools: ToolRuntime;
  readonly approvals: ApprovalGate;
  readonly approvalMode: ApprovalMode;
  /** The user's standing approval rules, asked before the approval mode (none when absent). */
  readonly rules?: RuleBook;
  readonly retry: RetryPolicy;
  readonly maxSteps: number;
  readonly now: () => number;
  /** How long a provider may take to answer and stay quiet (the Worker's settings). */
  readonly timeouts?: StreamTimeouts;
  /**
   * The provider said the request is too long: make room (compaction) and return the history to
   * ask again with, or null when there is no room to make. Asked once per turn.
   */
  readonly onContextOverflow?: () => Promise<readonly ConversationMessage[] | null>;
}

export interface TurnInput {
  readonly turnId: TurnId;
  readonly model: string;
  readonly system: string | null;
  /** The conversation so far, ending with the user's new message. */
  readonly history: readonly ConversationMessage[];
  readonly signal: AbortSignal;
}

export interface CompletedStep extends BuiltStep {
  readonly status: "complete" | "partial" | "error";
  /** Which provider, model and credential answered (a fallback's after a failover). */
  readonly target: ModelTarget;
  /** What it cost, for the usage of every attempt; null when unpriced or nothing was reported. */
  readonly costUsd: number | null;
  readonly exchange: ProviderExchange;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs: number | null;
}

export interface ToolExecution {
  readonly callId: ToolCallId;
  readonly name: string;
  /** Where it ran (or would have): recorded in the audit trail. */
  readonly source: ToolSource;
  readonly agentId: AgentId | null;
  /** The name of that agent, which tool cards show. */
  readonly machine: string | null;
  readonly args: Record<string, unknown>;
  readonly outcome: ToolOutcome;
  readonly status: "ok" | "error" | "denied" | "timeout" | "cancelled";
  /** How long it ran, from when it was allowed to. */
  readonly durationMs: number;
  /** How long it waited for a person's approval first (0 when nobody was asked). */
  readonly waitMs: number;
  /** The approval rule that allowed or denied it without asking; absent when none did. */
  readonly decidedByRule?: DecidedByRule;
  /** What decided whether it ran; absent when it never reached that step (an unknown tool). */
  readonly decidedBy?: ToolDecisionSource;
}

export type LoopEvent =
  | { readonly kind: "stream"; readonly event: StreamEvent }
  | { readonly kind: "retry"; readonly attempt: number; readonly delayMs: number; readonly error: Extract<StreamEvent, { type: "error" }> }
  | { readonly kind: "step"; readonly step: CompletedStep }
  | { readonly kind: "tool_results"; readonly executions: readonly ToolExecution[] }
  | { readonly kind: "end"; readonly status: TurnStatus };

export async function* runTurn(deps: TurnDeps, input: TurnInput): AsyncGenerator<LoopEvent> {
  let history = [...input.history];
  let overflowHandled = false;
  // The model this turn's calls go to; a failover moves it along the session's fallbacks.
  let target: CallTarget = {
    providerId: deps.providerId,
    provider: deps.provider,
    model: input.model,
    credentialId: deps.credentialId ?? null,
    credentialForCall: deps.credentialForCall,
  };
  for (let step = 1; ; step += 1) {
    const holdOverflow = deps.onContextOverflow !== undefined && !overflowHandled;
    let built = yield* modelStep(deps, input, target, history, holdOverflow);
    if (holdOverflow && isOverflow(built)) {
      // Too long for the model: make room once, and ask again with what is left.
      overflowHandled = true;
      const compacted = await deps.onContextOverflow?.();
      if (compacted != null) {
        history = [...compacted];
        built = yield* modelStep(deps, input, target, history, false);
      } else if (built.error !== null) {
        yield { kind: "stream", event: { type: "error", code: built.error.code, message: built.error.message, retryable: false } };
      }
    }
    // Failed for good before any output: the same step again on the next fallback, while there is one.
    ({ step: built, target } = yield* failOver(deps, input, built, target, history));
    yield { kind: "step", step: withoutHeld(built) };
    history.push({
      role: "assistant",
      content: built.content,
      producedBy: { provider: built.target.provider, credentialId: built.target.credential_id },
    });
    if (input.signal.aborted) {
      yield { kind: "end", status: "cancelled" };
      return;
    }
    // An error, or an answer that stopped short (an output limit inside a tool call): nothing to run.
    if (built.status !== "complete" || built.error !== null) {
      yield { kind: "end", status: "failed" };
      return;
    }
    const calls = built.content.filter((part): part is Extract<ContentPart, { type: "tool_call" }> => part.type === "tool_call");
    if (calls.length === 0) {
      yield { kind: "end", status: "completed" };
      return;
    }

    const executions: ToolExecution[] = [];
    for (const batch of batchCalls(calls, (call) => runsConcurrently(deps, call.name))) {
      const runs = batch.map((call) => runTool(deps, input, { callId: call.call_id, name: call.name, args: call.args }));
      executions.push(...(yield* runTogether(runs)));
    }
    yield { kind: "tool_results", executions };
    history.push({ role: "tool", content: executions.map(toolResultPart) });
    if (input.signal.aborted) {
      yield { kind: "end", status: "cancelled" };
      return;
    }
    if (step >= deps.maxSteps) {
      yield { kind: "stream", event: { type: "stop", reason: "step_limit" } };
      yield { kind: "end", status: "completed" };
      return;
    }
  }
}

/**
 * A step that failed for good (its error `held`), asked again of each next fallback until one
 * gets past it. A failed call that reported usage is recorded as it is left behind: its tokens
 * were spent. With none left, the step is the first failure, with how the last fallback failed.
 */
async function* failOver(
  deps: TurnDeps,
  input: TurnInput,
  first: StepOutcome,
  from: CallTarget,
  history: readonly ConversationMessage[],
): AsyncGenerator<LoopEvent, { step: StepOutcome; target: CallTarget }> {
  let built = first;
  let target = from;
  let firstRecorded = false;
  while (first.held !== null && built.held !== null && !input.signal.aborted) {
    const next = deps.failover?.next() ?? null;
    if (next === null) break;
    if (built.usage !== null) {
      yield { kind: "step", step: withoutHeld(built) };
      firstRecorded ||= built === first;
    }
    yield { kind: "stream", event: failoverEvent(target, next, built.held) };
    target = next;
    built = yield* modelStep(deps, input, target, history, false);
  }
  if (first.held === null || built.held === null) return { step: built, target };
  if (built !== first && built.usage !== null) yield { kind: "step", step: withoutHeld(built) };
  const error = built === first ? first.held : exhausted(first.held, built.target, built.held);
  yield { kind: "stream", event: error };
  // The turn's failure is the first one; its tokens, when it reported any, are recorded already.
  const failed = { ...first, error: { code: error.code, message: error.message } };
  return { step: firstRecorded ? { ...failed, usage: null, costUsd: null } : failed, target: from };
}

function withoutHeld(outcome: StepOutcome): CompletedStep {
  const { held: _held, ...step } = outcome;
  return step;
}

function failoverEvent(from: CallTarget, to: CallTarget, reason: ErrorEvent): StreamEvent {
  return { type: "failover", from: describeTarget(from), to: describeTarget(to), code: reason.code, message: reason.message };
}

/** Every fallback failed too: the first error, and how the last one went. */
function exhausted(first: ErrorEvent, last: ModelTarget, lastError: ErrorEvent): ErrorEvent {
  const message = `${first.message} (Every fallback failed too; the last, ${last.model}: ${lastError.message})`;
  return { ...first, message };
}

/** The provider refused the request as too long for the model, before any output. */
function isOverflow(step: CompletedStep): boolean {
  return step.error?.code === "CONTEXT_TOO_LONG" && !step.hasOutput;
}

type ErrorEvent = Extract<StreamEvent, { type: "error" }>;

/** A model call's result, with the error it did not show because the turn may fail over past it. */
type StepOutcome = CompletedStep & { readonly held: ErrorEvent | null };

/**
 * One model call: stream it, price its usage, and say how it ended. With `holdOverflow`, a
 * "too long" refusal is not shown: the loop compacts and asks again first. While the session has
 * a fallback left, a failure before any output that another model could get past (failover.ts)
 * is not shown either: it is `held`, for the loop to fail over or, with none left, to show.
 */
async function* modelStep(
  deps: TurnDeps,
  input: TurnInput,
  target: CallTarget,
  history: readonly ConversationMessage[],
  holdOverflow: boolean,
): AsyncGenerator<LoopEvent, StepOutcome> {
  const builder = new StepBuilder();
  const started = deps.now();
  let firstOutputAt: number | null = null;
  let exchange: ProviderExchange = {};
  let held: ErrorEvent | null = null;
  // With fallbacks, a failure another model could get past is the loop's to show or to fail over past.
  const canFailOver = deps.failover !== undefined;
  // Thinking and signatures another provider made are not sent (provider-history.ts).
  const messages = historyFor(history, { provider: target.providerId, credentialId: target.credentialId });
  const request = { model: target.model, system: input.system, messages, tools: deps.tools.definitions };
  const makeContext = async (): Promise<ProviderContext> => {
    const credential = await target.credentialForCall();
    exchange = {};
    return {
      credential,
      signal: input.signal,
      fetch: deps.fetch,
      sessionKey: deps.sessionKey,
      exchange,
      ...(deps.timeouts !== undefined && { timeouts: deps.timeouts }),
    };
  };
  const events = streamWithRetries(target.provider, request, makeContext, deps.retry, input.signal);
  try {
    for await (const item of events) {
      if (item.kind === "retry") {
        builder.startAttempt();
        yield item;
        continue;
      }
      const event =
        item.event.type === "usage"
          ? { ...item.event, cost_usd: costFor(target.providerId, target.model, item.event) ?? undefined }
          : item.event;
      if (firstOutputAt === null && isOutput(event)) firstOutputAt = deps.now();
      // The rules that decide the call are read while the model writes it (rule-book.ts).
      if (event.type === "tool_call" && event.phase === "start") deps.rules?.prefetch();
      builder.add(event);
      if (holdOverflow && event.type === "error" && event.code === "CONTEXT_TOO_LONG" && firstOutputAt === null) continue;
      if (canFailOver && event.type === "error" && firstOutputAt === null && failsOver(event)) {
        held = event;
        continue;
      }
      yield { kind: "stream", event };
    }
  } catch (error) {
    // A credential that cannot be had (a login that must be redone) is the end of this model, not of the turn.
    if (!canFailOver || !isCredentialFailure(error)) throw error;
    held = { type: "error", code: error.code, message: error.message, retryable: false };
    builder.add(held);
  }
  if (input.signal.aborted) {
    const stop: StreamEvent = { type: "stop", reason: "cancelled" };
    builder.add(stop);
    yield { kind: "stream", event: stop };
  }
  const built = builder.build();
  const stoppedShort = input.signal.aborted || built.stopDetail !== null;
  const status = built.error === null ? (stoppedShort ? "partial" : "complete") : built.hasOutput ? "partial" : "error";
  return {
    ...built,
    target: describeTarget(target),
    costUsd: built.usage === null ? null : costFor(target.providerId, target.model, built.usage),
    // A model call that stopped mid-way: its unfinished tool calls are not run.
    content: status === "complete" ? built.content : built.content.filter((part) => part.type !== "tool_call"),
    status,
    exchange,
    latencyMs: deps.now() - started,
    timeToFirstTokenMs: firstOutputAt === null ? null : firstOutputAt - started,
    held: status === "error" ? held : null,
  };
}

/** A call that only reads and needs nobody's approval may run alongside its neighbours. */
function runsConcurrently(deps: TurnDeps, name: string): boolean {
  const info = deps.tools.describe(name);
  if (info?.kind !== "read") return false;
  const approvedForSession = deps.approvals.approvedForSession(name);
  return !needsApproval({ mode: deps.approvalMode, kind: info.kind, toolApproval: info.approval, approvedForSession });
}

/** Approve (or not), run, and report one tool call, streaming its progress. */
async function* runTool(
  deps: TurnDeps,
  input: TurnInput,
  call: { callId: ToolCallId; name: string; args: Record<string, unknown> },
): AsyncGenerator<LoopEvent, ToolExecution> {
  const started = deps.now();
  // With several machines the arguments say which one runs it.
  const info = deps.tools.describe(call.name, call.args);
  const machine = info?.machine ?? null;
  // A tool the session does not have was never going to run anywhere but here.
  const source: ToolSource = info?.source ?? "worker";
  let decidedByRule: DecidedByRule | undefined;
  let decidedBy: ToolDecisionSource | undefined;
  // A card's time is the run's, not the approval's: the wait is reported on its own.
  let runFrom = started;
  let waitMs = 0;
  const finish = function* (outcome: ToolOutcome, status: ToolExecution["status"]): Generator<LoopEvent, ToolExecution> {
    const durationMs = deps.now() - runFrom;
    const ruled = decidedByRule === undefined ? {} : { decidedByRule };
    const decided = decidedBy === undefined ? {} : { decidedBy };
    yield {
      kind: "stream",
      event: {
        ...toolResultPart({ callId: call.callId, name: call.name, outcome, machine, ...ruled }),
        type: "tool_result",
        duration_ms: durationMs,
        ...(waitMs > 0 && { wait_ms: waitMs }),
      },
    };
    return { ...call, source, agentId: info?.agentId ?? null, machine, outcome, status, durationMs, waitMs, ...ruled, ...decided };
  };

  if (info === undefined) {
    return yield* finish(
      { ok: false, code: "TOOL_NOT_FOUND", message: `There is no tool named "${call.name}" in this session.`, recoverable: true },
      "error",
    );
  }
  // The user's standing rules answer first: a deny refuses without asking, an allow skips the question.
  const verdict = (await deps.rules?.decide({ tool: call.name, args: call.args })) ?? null;
  if (verdict !== null && verdict !== "unavailable") {
    decidedByRule = { id: verdict.rule.id, effect: verdict.effect };
    decidedBy = "rule";
  }
  if (verdict !== null && verdict !== "unavailable" && verdict.effect === "deny") {
    const message = `Approval rule ${verdict.rule.id} (${describeRule(verdict.rule)}) refused this call; it was not run. Do not retry it: ask the user if it is needed.`;
    return yield* finish({ ok: false, code: "DENIED_BY_RULE", message, recoverable: true }, "denied");
  }
  const approvedForSession = deps.approvals.approvedForSession(call.name);
  const asks =
    verdict === "unavailable" ||
    (verdict === null && needsApproval({ mode: deps.approvalMode, kind: info.kind, toolApproval: info.approval, approvedForSession }));
  if (verdict === null && !asks) decidedBy = approvedForSession ? "session" : "auto";
  if (asks) {
    const answer = await deps.approvals.ask({
      turnId: input.turnId,
      callId: call.callId,
      tool: call.name,
      kind: info.kind,
      args: call.args,
      signal: input.signal,
      agentId: info.agentId,
    });
    waitMs = deps.now() - started;
    runFrom = deps.now();
    // The answer may have come with a new rule ("always allow"): the next call reads them again.
    deps.rules?.forget();
    if (input.signal.aborted)
      return yield* finish({ ok: false, code: "CANCELLED", message: "The turn was cancelled.", recoverable: false }, "cancelled");
    decidedBy = answer.by;
    if (answer.decision === "deny") {
      const why =
        answer.by === "timeout"
          ? "Nobody approved this call in time, so it was not run."
          : `The user denied this call${answer.reason ? `: ${answer.reason}` : "."}`;
      return yield* finish(
        { ok: false, code: "APPROVAL_DENIED", message: why, recoverable: true },
        answer.by === "timeout" ? "timeout" : "denied",
      );
    }
  }

  const progress = new AsyncQueue<StreamEvent>();
  const running = deps.tools
    .execute(call, {
      signal: input.signal,
      onProgress: (update) => progress.push({ type: "tool_progress", call_id: call.callId, ...update }),
    })
    .catch((error: unknown): ToolOutcome => ({
      ok: false,
      code: "INTERNAL",
      message: error instanceof Error ? "The tool failed unexpectedly." : "The tool failed.",
      recoverable: false,
    }))
    .finally(() => progress.close());
  for await (const event of progress) yield { kind: "stream", event };
  const outcome = await running;
  const status = outcome.ok ? "ok" : outcome.code === "CANCELLED" ? "cancelled" : outcome.code === "TIMEOUT" ? "timeout" : "error";
  return yield* finish(outcome, status);
}

/** What the model (and the transcript) is told of a tool call's outcome. */
export function toolResultPart(
  execution: Pick<ToolExecution, "callId" | "name" | "outcome" | "decidedByRule"> & { readonly machine?: string | null },
): Extract<ContentPart, { type: "tool_result" }> {
  const { outcome } = execution;
  return {
    type: "tool_result",
    call_id: execution.callId,
    name: execution.name,
    ok: outcome.ok,
    output: outcome.ok ? outcome.output : outcome.message,
    ...(!outcome.ok && { error_code: outcome.code }),
    ...(execution.machine != null && { machine: execution.machine }),
    ...(execution.decidedByRule !== undefined && { decided_by_rule: execution.decidedByRule }),
  };
}
