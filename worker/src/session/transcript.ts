/**
 * The session's conversation as turns write it: the branch in use (read from Postgres once, then
 * kept current), new rows that continue it, a move to another point of the tree (an edit, a
 * regenerate, a switch), and what a turn stores —
 * each answer with its usage, cost, timings and raw exchange, and tool results with their audit —
 * including the `interrupted` results of calls whose real result was lost to a restart.
 * What it stores is part of the conversation at once and written behind (write-behind.ts): a turn
 * never waits on Postgres to go on.
 */
import {
  BUILTIN_TOOLS,
  type ContentPart,
  type ConversationId,
  type Message,
  type MessageId,
  type ToolSource,
  type TurnId,
  TurnIdSchema,
} from "@maestro/protocol";
import { branchSinceSummary, childrenOf, currentBranch, setConversationLeaf } from "../db/queries/branches.ts";
import { messageOf, type NewMessage } from "../db/queries/messages.ts";
import { recordToolExecutions } from "../db/queries/tool-executions.ts";
import type { sessions } from "../db/schema.ts";
import { workerTools } from "../tools/builtin/index.ts";
import { type CompletedStep, type ToolExecution, toolResultPart } from "./agent-loop.ts";
import type { SummaryAnswer } from "./compactor.ts";
import { contextTokensOf } from "./context-accounting.ts";
import { INTERRUPTED_OUTPUT, interruptedResult, unansweredCalls } from "./history.ts";
import type { SessionRuntime } from "./runtime.ts";
import { StoredTally } from "./session-totals.ts";
import type { WriteBehind } from "./write-behind.ts";

type SessionRow = typeof sessions.$inferSelect;
/** The branch in use: what a turn sends (since the newest summary), and its newest message. */
export type Conversation = { readonly conversationId: ConversationId; readonly messages: Message[]; leafId: MessageId | null };

/** A branch just started beside others: its first message is sent with its alternatives. */
interface NewBranch {
  readonly parentId: MessageId | null;
  readonly role: Message["role"];
  readonly alternatives: readonly MessageId[];
}

export class Transcript {
  readonly #host: Pick<SessionRuntime, "sessionId" | "db" | "log">;
  readonly #writes: WriteBehind;
  #conversation: Conversation | undefined;
  /** A read under way: a second caller shares it (a turn's start begins it beside other reads). */
  #loading: Promise<Conversation> | undefined;
  #newBranch: NewBranch | undefined;
  /** Shown (or about to be) and not yet in Postgres, oldest first: a snapshot read meanwhile adds them. */
  readonly #unstored = new Map<MessageId, Message>();
  /** What every message stored here adds to the session's totals (session-totals.ts). */
  readonly tally = new StoredTally();

  constructor(host: Pick<SessionRuntime, "sessionId" | "db" | "log">, writes: WriteBehind) {
    this.#host = host;
    this.#writes = writes;
  }

  load(): Promise<Conversation> {
    if (this.#conversation !== undefined) return Promise.resolve(this.#conversation);
    if (this.#loading !== undefined) return this.#loading;
    const loading = this.#read().then(
      (conversation) => {
        // Forgotten meanwhile (a switch): what was read is not the branch in use any more.
        if (this.#loading !== loading) return this.load();
        this.#loading = undefined;
        this.#conversation = conversation;
        return conversation;
      },
      (error: unknown) => {
        if (this.#loading === loading) this.#loading = undefined;
        throw error;
      },
    );
    this.#loading = loading;
    return loading;
  }

  async #read(): Promise<Conversation> {
    const db = this.#host.db();
    const { conversationId, leaf: leafId } = await currentBranch(db, this.#host.sessionId);
    return { conversationId, leafId, messages: await branchSinceSummary(db, leafId) };
  }

  /** Forget what was read: the next load reads the branch in use again (after a switch). */
  forget(): void {
    this.#conversation = undefined;
    this.#loading = undefined;
    this.#newBranch = undefined;
  }

  /**
   * Continue from `parentId` (null: from the very start), where a message of `role` will begin a
   * new branch beside the ones already there. The branch ending at `parentId` becomes the
   * conversation, and the conversation's leaf, at once: a restart resumes on the new branch.
   */
  async branchAt(parentId: MessageId | null, role: Message["role"]): Promise<void> {
    const { conversationId } = await this.load();
    const db = this.#host.db();
    const [messages, alternatives] = await Promise.all([
      branchSinceSummary(db, parentId),
      childrenOf(db, conversationId, parentId, role),
      setConversationLeaf(db, conversationId, parentId),
    ]);
    this.#conversation = { conversationId, leafId: parentId, messages };
    this.#newBranch = { parentId, role, alternatives };
  }

  /** A new message row that continues the branch, timed after everything already in it (so order is stable). */
  async row(turnId: TurnId, role: Message["role"], content: NewMessage["content"]): Promise<NewMessage> {
    const { conversationId, messages, leafId } = await this.load();
    const lastAt = messages.at(-1)?.created_at;
    const now = Date.now();
    const at = lastAt === undefined ? now : Math.max(now, Date.parse(lastAt) + 1);
    return {
      id: crypto.randomUUID(),
      sessionId: this.#host.sessionId,
      conversationId,
      parentId: leafId,
      turnId,
      role,
      content,
      createdAt: new Date(at),
    };
  }

  /**
   * Count a message as part of the conversation before it is stored (the user's, sent at once).
   * The first message of a new branch comes back with its alternatives, for the clients.
   */
  remember(message: Message): Message {
    const conversation = this.#conversation;
    if (conversation !== undefined) {
      conversation.messages.push(message);
      conversation.leafId = message.id;
    }
    const branch = this.#newBranch;
    if (branch === undefined || branch.parentId !== message.parent_id || branch.role !== message.role) return message;
    this.#newBranch = undefined;
    const siblings = [...branch.alternatives.filter((id) => id !== message.id), message.id];
    return siblings.length > 1 ? { ...message, siblings } : message;
  }

  /**
   * A message continues the conversation now and is stored behind it, in order, keeping the
   * session's context size current with it (`writes.idle()` says when it is in Postgres).
   */
  async store(row: NewMessage): Promise<Message> {
    const { message, note } = await this.storeNotedLater(row);
    note();
    return message;
  }

  /**
   * store(), with the message's outbox note put when `note` is called (write-behind.ts): after the
   * model request has left, for the user's message (see TurnManager.#begin).
   */
  async storeNotedLater(row: NewMessage): Promise<{ message: Message; note: () => void }> {
    const { messages } = await this.load();
    const message = messageOf(row);
    const contextTokens = contextTokensOf([...messages, message]);
    const { note, written } = this.#writes.messageNotedLater(row, contextTokens);
    this.tally.add(row, contextTokens);
    const remembered = this.remember(message);
    this.#unstored.set(remembered.id, remembered);
    void written.then(() => this.#unstored.delete(remembered.id));
    return { message: remembered, note };
  }

  /** Messages stored here that Postgres does not have yet (written behind), oldest first. */
  unstored(): Message[] {
    return [...this.#unstored.values()];
  }

  /** How full the context is now (context-accounting.ts). */
  async contextTokens(): Promise<number> {
    return contextTokensOf((await this.load()).messages);
  }

  /**
   * A compaction, with what its summary call used and cost when there was one. The summarised
   * messages leave the memory too: no later request sends them.
   */
  async storeCompaction(
    turnId: TurnId,
    part: Extract<ContentPart, { type: "compaction" }>,
    summary: SummaryAnswer | null,
    session: SessionRow,
  ): Promise<Message> {
    const usage = summary?.usage ?? null;
    const stored = await this.store({
      ...(await this.row(turnId, "compaction", [part])),
      provider: summary === null ? null : session.provider,
      model: summary === null ? null : session.model,
      inputTokens: usage?.input_tokens ?? null,
      outputTokens: usage?.output_tokens ?? null,
      cacheReadTokens: usage?.cache_read_tokens ?? null,
      cacheWriteTokens: usage?.cache_write_tokens ?? null,
      totalCostUsd: summary?.costUsd == null ? null : costOf(summary.costUsd),
    });
    const messages = this.#conversation?.messages;
    const boundary =
      part.summarized_through === null || messages === undefined
        ? -1
        : messages.findIndex((message) => message.id === part.summarized_through);
    if (boundary >= 0) messages?.splice(0, boundary + 1);
    return stored;
  }

  async storeAnswer(turnId: TurnId, session: SessionRow, step: CompletedStep): Promise<Message> {
    const usage = step.usage;
    return this.store({
      ...(await this.row(turnId, "assistant", step.content)),
      status: step.status,
      // Who answered: after a failover, the fallback, not the session's own model.
      provider: step.target.provider,
      model: step.target.model,
      credentialId: step.target.credential_id,
      rawRequest: step.exchange.request ?? null,
      rawResponse: step.exchange.response ?? null,
      inputTokens: usage?.input_tokens ?? null,
      outputTokens: usage?.output_tokens ?? null,
      cacheReadTokens: usage?.cache_read_tokens ?? null,
      cacheWriteTokens: usage?.cache_write_tokens ?? null,
      totalCostUsd: step.costUsd === null ? null : costOf(step.costUsd),
      latencyMs: step.latencyMs,
      timeToFirstTokenMs: step.timeToFirstTokenMs,
      stopReason: step.stopReason,
      error: step.error?.message ?? step.stopDetail ?? null,
    });
  }

  /**
   * Stores an `interrupted` result for every call that lost its own (the session restarted while
   * it waited for approval or ran, or its result could not be written), one tool message per
   * answer, with their audit rows. Returns the messages stored, for the clients.
   */
  async storeInterruptedResults(): Promise<Message[]> {
    const { messages } = await this.load();
    const byAnswer = new Map<Message, ReturnType<typeof unansweredCalls>>();
    for (const entry of unansweredCalls(messages)) byAnswer.set(entry.message, [...(byAnswer.get(entry.message) ?? []), entry]);
    const stored: Message[] = [];
    for (const [answer, entries] of byAnswer) {
      const turnId = TurnIdSchema.parse(answer.turn_id ?? crypto.randomUUID());
      stored.push(
        await this.store(
          await this.row(
            turnId,
            "tool",
            entries.map(({ call }) => interruptedResult(call)),
          ),
        ),
      );
      const audit = entries.map(({ call }) => ({
        sessionId: this.#host.sessionId,
        turnId,
        callId: call.call_id,
        toolName: call.name,
        source: sourceOfTool(call.name),
        agentId: null,
        params: call.args,
        resultSummary: `INTERRUPTED: ${INTERRUPTED_OUTPUT}`,
        status: "interrupted" as const,
        errorCode: "INTERRUPTED",
        durationMs: 0,
      }));
      this.#writes.task("tool_executions.record_failed", (db) => recordToolExecutions(db, audit));
    }
    return stored;
  }

  /** Tool results, with their audit. */
  async storeToolResults(turnId: TurnId, executions: readonly ToolExecution[]): Promise<Message> {
    // Stored with how long each call took, so a client that loads the history later shows it too.
    const parts = executions.map((execution) => ({
      ...toolResultPart(execution),
      duration_ms: execution.durationMs,
      ...(execution.waitMs > 0 && { wait_ms: execution.waitMs }),
    }));
    const message = await this.store(await this.row(turnId, "tool", parts));
    const audit = executions.map((execution) => ({
      sessionId: this.#host.sessionId,
      turnId,
      callId: execution.callId,
      toolName: execution.name,
      source: execution.source,
      agentId: execution.agentId,
      params: execution.args,
      resultSummary: execution.outcome.ok ? execution.outcome.output : `${execution.outcome.code}: ${execution.outcome.message}`,
      status: execution.status,
      errorCode: execution.outcome.ok ? null : execution.outcome.code,
      durationMs: execution.durationMs,
      decidedByRuleId: execution.decidedByRule?.id ?? null,
      decidedBy: execution.decidedBy ?? null,
    }));
    this.#writes.task("tool_executions.record_failed", (db) => recordToolExecutions(db, audit));
    return message;
  }
}

/** A cost as Postgres keeps it (numeric, 8 decimals), so the message shown now equals the one read later. */
function costOf(usd: number): string {
  return usd.toFixed(8);
}

/** Where a call whose runner is no longer known ran, for the audit row: by its name. */
function sourceOfTool(name: string): ToolSource {
  if (workerTools[name] !== undefined) return "worker";
  return name in BUILTIN_TOOLS ? "local" : "mcp";
}
