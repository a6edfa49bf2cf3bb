/**
 * A session's turns (DESIGN §2): start one from any client or the API, drive the agent loop,
 * store and broadcast everything it produces, cancel, retry, let the API wait on or stream a
 * turn, and — after a restart — mark an interrupted turn as such, keeping its partial answer.
 * One turn at a time per session. The turn belongs to the session, not to a socket.
 */
import {
  type ApprovalDecision,
  type CancelResult,
  type EventFrame,
  type BranchSwitched,
  type BranchTurnAccepted,
  type Message,
  type MessageId,
  type RegenerateBody,
  type RequestId,
  type SendMessageAccepted,
  type SessionActivity,
  type SnapshotFrame,
  type StreamEvent,
  type TurnId,
  TurnIdSchema,
  type TurnResult,
  type TurnStatus,
} from "@maestro/protocol";
import { newestLeafUnder, setConversationLeaf } from "../db/queries/branches.ts";
import { touchCredential } from "../auth/credential-secret.ts";
import { getSessionRow, type SessionRecord } from "../db/queries/sessions.ts";
import type { Config, Env } from "../env.ts";
import { AppError, internalError } from "../errors.ts";
import { runTurn } from "./agent-loop.ts";
import { SessionCompactor } from "./compaction-runner.ts";
import { contextLimits } from "../models/context-limits.ts";
import type { ApprovalDesk, OpenQuestion } from "./approvals.ts";
import { announceBranch, messageToBranchFrom, regenerateAs } from "./branching.ts";
import type { NumberedFrame, UnnumberedFrame } from "./event-log.ts";
import { toConversation } from "./history.ts";
import type { SessionRuntime } from "./runtime.ts";
import { TurnRecord } from "./turn-record.ts";
import { closeCutOffTurn, repairHistory } from "./turn-recovery.ts";
import { Transcript } from "./transcript.ts";
import { SessionTotals } from "./session-totals.ts";
import { TurnCache } from "./turn-cache.ts";
import { type SessionRow, wireTurn } from "./turn-wiring.ts";
import { type OutboxStorage, WriteBehind } from "./write-behind.ts";
import { logFailover } from "./failover.ts";
import { logCall, turnOf } from "./turn-log.ts";
import { appendLiveEvent } from "./live-events.ts";
import { answeredOrAfter, REQUEST_HEAD_START_MS, watchFirstRequest } from "./request-head-start.ts";

const RECENT_RESULTS = 20;
/**
 * A turn's database writes wait until its first event has gone to the clients, or this long after
 * the model was asked (a model that thinks before it speaks): the Worker's one thread should be
 * free to pass the first token on the moment it arrives, not busy encoding an INSERT.
 */
const WRITES_WAIT_FOR_FIRST_EVENT_MS = 100;
/**
 * How long after its step a model call is logged. A log line costs the thread ~0.1 ms under
 * wrangler dev, and wrangler's process more: neither turn_end (or the step's tool calls) nor a
 * turn started the moment this one ended should wait for it.
 */
const CALL_LOG_DELAY_MS = 100;

export interface TurnHost extends SessionRuntime {
  readonly config: Config;
  /** The Worker's bindings: the AGENT namespace is how local tools reach the user's machine. */
  readonly bindings: Env;
  readonly storage: OutboxStorage & { get<T>(key: string): T | undefined };
  readonly activity: SessionActivity;
  setActivity(activity: SessionActivity): void;
  /** Keep the object alive while a turn runs (an alarm-backed keep-alive). */
  keepAlive(): void;
  /** Resolves once every storage write made so far is committed, and the frames it held are out. */
  committed(): Promise<void>;
  /** Tell every client the session's shape (its totals change with every turn). */
  showSession(record: SessionRecord): void;
}

/** What starts a turn: a new message, a retry, an edit of a past message, or a regenerated answer. */
type TurnStart =
  | { readonly text: string; readonly requestId?: RequestId | undefined }
  | { readonly retry: true }
  | { readonly edit: Message; readonly text: string }
  | { readonly regenerate: Message; readonly choice: RegenerateBody };

/** Receives every frame of one turn, for `Accept: text/event-stream`. */
export type TurnListener = (numbered: NumberedFrame) => void;

interface RunningTurn {
  readonly turnId: TurnId;
  /** The request id of the send that started it, echoed on its frames. */
  readonly requestId: RequestId | undefined;
  readonly controller: AbortController;
  readonly events: EventFrame[];
  /** Resolves once the user's message is noted and shown: nothing of the turn is shown before it. */
  shown: Promise<void>;
  done: Promise<TurnResult>;
}

export class TurnManager {
  readonly #host: TurnHost;
  readonly #desk: ApprovalDesk;
  #current: RunningTurn | undefined;
  #starting = false;
  readonly #transcript: Transcript;
  readonly #compactor: SessionCompactor;
  /** What the next turn needs before its model call, kept warm (turn-cache.ts). */
  readonly #cache: TurnCache;
  /** Every message and row a turn stores, written behind it in order (write-behind.ts). */
  readonly #writes: WriteBehind;
  /** What a restart finds of the turn that was running (turn-record.ts). */
  readonly #record: TurnRecord;
  /** The session's totals as the turns move them (session-totals.ts). */
  readonly #totals: SessionTotals;
  readonly #results = new Map<string, TurnResult>();
  /** Listeners by turn id; they outlive #current by the turn_end frame. */
  readonly #listeners = new Map<string, Set<TurnListener>>();

  constructor(host: TurnHost, desk: ApprovalDesk) {
    this.#host = host;
    this.#desk = desk;
    this.#cache = new TurnCache(host);
    // A write that failed for good: read the history (and the totals) from Postgres again.
    this.#writes = new WriteBehind(host, () => {
      this.#transcript.forget();
      this.#totals.invalidate();
    });
    this.#transcript = new Transcript(host, this.#writes);
    this.#totals = new SessionTotals(host, this.#transcript.tally, this.#writes, () => this.#cache.trusted);
    this.#compactor = new SessionCompactor(host, this.#transcript);
    this.#record = new TurnRecord(host);
  }

  /** Deletes the outbox notes of the messages now stored, beside another storage write (write-behind.ts). */
  sweepNotes(): void {
    this.#writes.sweepNotes();
  }

  get running(): boolean {
    return this.#current !== undefined;
  }

  /** A turn runs or is being started: a send now has to wait (see send-queue.ts). */
  get busy(): boolean {
    return this.#current !== undefined || this.#starting;
  }

  /**
   * Compacts now, between turns (`POST /sessions/:id/compact`, the web button, `/compact`): old
   * tool output is pruned and the older turns summarised, keeping what `instructions` names.
   */
  async compact(instructions?: string): Promise<Message> {
    await this.recover();
    if (this.#current !== undefined || this.#starting)
      throw new AppError("TURN_IN_PROGRESS", "A turn is running in this session; compact when it has ended.");
    this.#starting = true;
    try {
      const session = await getSessionRow(this.#host.db(), this.#host.sessionId);
      if (session === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
      await repairHistory(this.#host, this.#transcript);
      const wired = await wireTurn(this.#host, session, this.#desk);
      const limits = contextLimits(session, wired.credentialContextWindow, this.#host.config);
      const stored = await this.#compactor.onRequest(TurnIdSchema.parse(crypto.randomUUID()), session, wired.deps, limits, instructions);
      if (stored === null) throw new AppError("NOTHING_TO_COMPACT", "Nothing to compact yet: the whole conversation is its latest turn.");
      await this.#writes.idle();
      this.#updateTotals({ reread: true });
      return stored;
    } finally {
      this.#starting = false;
    }
  }

  /** A user's message: shown to every client at once, stored alongside the model call. */
  async send(text: string, listener?: TurnListener, requestId?: RequestId): Promise<SendMessageAccepted> {
    const { turn_id, message } = await this.#begin({ text, requestId }, listener);
    if (message === undefined) throw new Error("a sent turn always has its user message");
    return { turn_id, message_id: message.id, request_id: requestId ?? null };
  }

  /** Ask again, for the conversation as it stands (after a failed or broken-off answer). */
  async retry(listener?: TurnListener): Promise<{ turn_id: TurnId }> {
    const { turn_id } = await this.#begin({ retry: true }, listener);
    return { turn_id };
  }

  /** Send `text` in place of a past user message: the conversation branches before it. */
  async edit(messageId: MessageId, text: string, listener?: TurnListener): Promise<BranchTurnAccepted> {
    await this.#writes.idle();
    const message = await messageToBranchFrom(this.#host.db(), this.#host.sessionId, messageId, "user");
    const { turn_id, message: sent } = await this.#begin({ edit: message, text }, listener);
    return { turn_id, message_id: sent?.id ?? null };
  }

  /** Answer again from where an answer began, with the session's model or, for this answer, another. */
  async regenerate(messageId: MessageId, choice: RegenerateBody, listener?: TurnListener): Promise<BranchTurnAccepted> {
    await this.#writes.idle();
    const message = await messageToBranchFrom(this.#host.db(), this.#host.sessionId, messageId, "assistant");
    const { turn_id } = await this.#begin({ regenerate: message, choice }, listener);
    return { turn_id, message_id: null };
  }

  /** Continue from the branch holding `messageId`, at its newest message; every client is told. */
  async switchBranch(messageId: MessageId): Promise<BranchSwitched> {
    await this.recover();
    if (this.#current !== undefined || this.#starting)
      throw new AppError("TURN_IN_PROGRESS", "A turn is running in this session; switch branches when it has ended.");
    await this.#writes.idle();
    const db = this.#host.db();
    await messageToBranchFrom(db, this.#host.sessionId, messageId);
    const { conversationId } = await this.#transcript.load();
    await setConversationLeaf(db, conversationId, await newestLeafUnder(db, messageId));
    this.#transcript.forget();
    const switched = await announceBranch(this.#host, this.#transcript);
    this.#updateTotals({ reread: true });
    return switched;
  }

  cancel(): CancelResult {
    const turn = this.#current;
    if (turn === undefined) return { turn_id: null, cancelled: false };
    turn.controller.abort();
    return { turn_id: turn.turnId, cancelled: true };
  }

  answer(callId: string, decision: ApprovalDecision, by: "web" | "tui" | "api", reason?: string, requestId?: RequestId): void {
    this.#desk.answer(callId, decision, by, reason, requestId);
  }

  /** The questions still open, for the cross-session inbox (GET /approvals). */
  openQuestions(): OpenQuestion[] {
    return this.#desk.openQuestions();
  }

  /**
   * A turn's result once it has ended AND what it stored is in Postgres (read-your-writes: a
   * GET /messages after `?wait=true` sees the answer). Clients on the socket get turn_end sooner.
   */
  async wait(turnId: string): Promise<TurnResult> {
    const finished = this.#current?.turnId === turnId ? await this.#current.done : this.#results.get(turnId);
    if (finished === undefined)
      throw new AppError("NO_ACTIVE_TURN", "No turn with that id is running or recently finished in this session.");
    await this.#writes.idle();
    return finished;
  }

  /** Resolves when everything stored so far is in Postgres (an SSE stream ends then). */
  stored(): Promise<void> {
    return this.#writes.idle();
  }

  /** The object wrote the session's row (configure, archive): the next turn starts from it. */
  sessionChanged(row: SessionRow | undefined): void {
    this.#cache.sessionChanged(row);
    this.#totals.invalidate();
  }

  /** A credential of this session changed (the next turn's check would see it too). */
  credentialChanged(): void {
    this.#cache.credentialChanged();
    this.#totals.invalidate();
  }

  /** Something a turn is made of changed (input-notices.ts): the next turn reads it again. */
  inputsChanged(): void {
    this.#cache.inputsChanged();
    this.#totals.invalidate();
  }

  /** What a joining client's snapshot adds to Postgres's: the turn streaming now, and what is not written yet. */
  live(): { turn: SnapshotFrame["turn"]; unstored: Message[] } {
    const turn = this.#current;
    const unstored = this.#transcript.unstored();
    if (turn === undefined) return { turn: null, unstored };
    const approvals = this.#desk.openRequests();
    return { turn: { turn_id: turn.turnId, events: [...turn.events], approvals, request_id: turn.requestId ?? null }, unstored };
  }

  /**
   * After a restart: end a turn that was running when the object went away, keeping what it said,
   * closing the approvals it had open, and storing an `interrupted` result for every call it had
   * asked for, so the next request is one the provider accepts.
   */
  async recover(): Promise<void> {
    // What a turn showed but had not stored yet when the object went away is stored first.
    await this.#writes.recover();
    if (this.#current !== undefined || this.#starting) return;
    const cutOff = this.#record.takeCutOff();
    if (cutOff === undefined) return;
    await closeCutOffTurn(this.#host, this.#transcript, cutOff);
    // Whoever asked for the recovery reads Postgres next (a joining client's snapshot, the next
    // turn's history): what it stored must be there, not on its way. Only after a crash or deploy.
    await this.#writes.idle();
  }

  /**
   * A client says someone is writing a message (a `prepare` frame): a woken object reads what the
   * next turn needs — its inputs' check and its history — now, while they type, and the turn
   * shares what was read (turn-cache.ts, transcript.ts). Warm, nothing is read. Failures are the
   * turn's to report.
   */
  prepare(): void {
    if (this.#current !== undefined || this.#starting) return;
    void this.recover()
      .then(() => Promise.all([this.#cache.inputs(), this.#transcript.load()]))
      .catch(() => undefined);
  }

  async #begin(what: TurnStart, listener?: TurnListener): Promise<{ turn_id: TurnId; message: Message | undefined }> {
    await this.recover();
    if (this.#current !== undefined || this.#starting)
      throw new AppError("TURN_IN_PROGRESS", "A turn is already running in this session; cancel it or wait.");
    this.#starting = true;
    try {
      // Every write of the row goes through this object, so the row it holds is current. A woken
      // object holds nothing: the check of what the turn needs (row, credential, tools) and the
      // history's read both begin now, side by side, and the turn later shares them (turn-cache.ts,
      // transcript.ts); warm, neither reads anything. A failed check is the turn's to report (it
      // asks again): here it only brings the row.
      const checked = this.#cache.inputs().then(
        (inputs) => inputs?.session,
        () => undefined,
      );
      const rowOf = async () => (await checked) ?? getSessionRow(this.#host.db(), this.#host.sessionId);
      // A session that does not exist fails on its row, not on its history.
      this.#transcript.load().catch(() => undefined);
      const row = this.#cache.session ?? (await rowOf());
      if (row === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
      this.#cache.sessionChanged(row);
      if (row.status === "archived") throw new AppError("SESSION_ARCHIVED", "This session is archived; it takes no new messages.");
      // A result lost without a restart (a write that failed) is repaired here, before the next request.
      await repairHistory(this.#host, this.#transcript);
      // An edit continues from before the edited message; a regenerate from before the old answer.
      const regenerated = "regenerate" in what ? await regenerateAs(this.#host.db(), row, what.choice) : undefined;
      if ("edit" in what || "regenerate" in what) {
        const from = "edit" in what ? what.edit : what.regenerate;
        await this.#transcript.branchAt(from.parent_id, from.role);
        await announceBranch(this.#host, this.#transcript);
      }
      const history = await this.#transcript.load();
      if ("retry" in what) {
        const last = history.messages.at(-1);
        if (last === undefined || (last.role === "assistant" && last.status === "complete")) {
          throw new AppError("CONFLICT", "Nothing to retry: the last answer is complete.");
        }
      }
      const turnId = TurnIdSchema.parse(crypto.randomUUID());
      const requestId = "requestId" in what ? what.requestId : undefined;
      const turn: RunningTurn = {
        turnId,
        requestId,
        controller: new AbortController(),
        events: [],
        shown: Promise.resolve(),
        done: Promise.resolve({ turn_id: turnId, status: "failed", message: null }),
      };
      this.#current = turn;
      if (listener !== undefined) this.#listeners.set(turnId, new Set([listener]));
      // Stored once the first event is out (see #run): the model request goes first.
      const release = this.#writes.hold();
      // The log's seq reservation lasts the turn: its first token does not wait on a storage write.
      const letGo = this.#host.events.hold();
      let user: { message: Message; note: () => void } | undefined;
      try {
        if ("text" in what)
          user = await this.#transcript.storeNotedLater(await this.#transcript.row(turnId, "user", [{ type: "text", text: what.text }]));
      } catch (error) {
        // No run will release the writes (a stuck queue would never store anything again), nor
        // end the turn (the session would say one is running until the object restarts).
        release();
        letGo();
        this.#current = undefined;
        this.#listeners.delete(turnId);
        throw error;
      }
      // The model is asked before anything is written: a storage write holds every outgoing
      // message until it is on disk (the output gate), the model request and the rest of its
      // body too. The request is built and sent within this task (a warm turn reads nothing
      // first); the user's message is noted and shown once the model has answered it, or a few
      // milliseconds later (request-head-start.ts), before any of the turn's frames (they wait
      // for `shown`).
      let shown: () => void = () => undefined;
      turn.shown = new Promise((resolve) => (shown = resolve));
      let asked: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => (asked = resolve));
      turn.done = this.#run(turn, regenerated, release, letGo, asked);
      await answeredOrAfter(answered, REQUEST_HEAD_START_MS);
      try {
        if (user !== undefined) {
          user.note();
          this.#emit(turn, { type: "message", message: user.message, ...(requestId !== undefined && { request_id: requestId }) });
        }
        this.#record.markStep(turnId, requestId);
      } catch (error) {
        // The run ends cancelled, and lets go of the writes and the reservation.
        turn.controller.abort();
        throw error;
      } finally {
        shown();
      }
      this.#host.keepAlive();
      this.#host.setActivity("streaming");
      return { turn_id: turnId, message: user?.message };
    } finally {
      this.#starting = false;
    }
  }

  /**
   * `regenerated`: the session as a regenerate answers (another model, maybe); else as it is now.
   * `letGo` hands the event log back once turn_end is out; `asked` says the first model request
   * was answered (or that the run ended without one).
   */
  async #run(
    turn: RunningTurn,
    regenerated: SessionRow | undefined,
    release: () => void,
    letGo: () => void,
    asked: () => void,
  ): Promise<TurnResult> {
    let status: TurnStatus = "failed";
    let answer: Message | null = null;
    const signal = turn.controller.signal;
    let session = regenerated ?? this.#cache.session;
    let firstEventShown: (() => void) | undefined;
    let answerWrite: (() => void) | undefined;
    try {
      const inputs = regenerated === undefined ? await this.#cache.inputs() : undefined;
      const active = inputs?.session ?? session;
      if (active === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
      session = active;
      const wired = await wireTurn(this.#host, active, this.#desk, inputs);
      const wiredDeps = { ...wired.deps, fetch: watchFirstRequest(wired.deps.fetch, asked) };
      const releaseLater = setTimeout(release, WRITES_WAIT_FOR_FIRST_EVENT_MS);
      firstEventShown = () => {
        clearTimeout(releaseLater);
        release();
      };
      const credential = inputs?.credential;
      if (credential !== undefined && !(credential instanceof AppError))
        this.#writes.task("credential.touch_failed", (db) => touchCredential(db, credential.id));
      const limits = contextLimits(active, wired.credentialContextWindow, this.#host.config);
      // Before the first request, and once more if the provider still finds it too long.
      await this.#compactor.beforeTurn(turn.turnId, active, wiredDeps, limits, signal);
      const deps = {
        ...wiredDeps,
        onContextOverflow: () => this.#compactor.afterOverflow(turn.turnId, active, wiredDeps, limits, signal),
      };
      const loop = runTurn(deps, {
        turnId: turn.turnId,
        model: active.model,
        system: active.systemPrompt,
        history: toConversation((await this.#transcript.load()).messages),
        signal,
      });
      let before: Promise<void> | undefined = turn.shown;
      for await (const event of loop) {
        if (before !== undefined) {
          await before;
          before = undefined;
        }
        switch (event.kind) {
          case "stream":
            this.#emit(turn, { type: "event", turn_id: turn.turnId, event: event.event });
            firstEventShown?.();
            firstEventShown = undefined;
            if (event.event.type === "text_delta" || event.event.type === "thinking_delta") this.#host.setActivity("streaming");
            if (event.event.type === "failover") logFailover(this.#host, turn.turnId, event.event);
            break;
          case "retry":
            this.#host.log.warn("provider.retry", {
              session_id: this.#host.sessionId,
              turn_id: turn.turnId,
              attempt: event.attempt,
              delay_ms: event.delayMs,
              code: event.error.code,
            });
            break;
          case "step": {
            // A step's tool calls leave before its answer goes to Postgres: encoding the row (its raw
            // request holds the whole history) is most of a step's bookkeeping, and the local
            // Postgres serialises queries, so the insert would also hold the approval rules' read
            // of the turn's first call. The loop sends the calls within this task; the write waits
            // for the next one (and is noted in the outbox now, as always).
            const runsTools = event.step.status === "complete" && event.step.content.some((part) => part.type === "tool_call");
            if (runsTools) setTimeout(this.#writes.hold(), 0);
            // The answer that ends the turn goes to Postgres once turn_end is out: the frame waits
            // for the storage commit (the answer's outbox note), and the insert would take the
            // thread — and the local Postgres the CPU — right when the commit lets the frame go.
            // An earlier one (an answer a failover went past) was not the last: it goes now.
            answerWrite?.();
            answerWrite = runsTools ? undefined : this.#writes.hold();
            // Shown now, with its usage and cost; in Postgres a moment later (write-behind.ts).
            answer = await this.#transcript.storeAnswer(turn.turnId, active, event.step);
            // The stored step now holds what was streamed: a snapshot must not show it twice, and
            // its tokens need not be on disk before it and turn_end go (EventLog.deferTokens).
            turn.events.length = 0;
            this.#host.events.deferTokens();
            this.#emit(turn, { type: "message", message: answer });
            this.#record.markStep(turn.turnId, turn.requestId);
            const { step } = event;
            setTimeout(() => logCall(this.#host, turn.turnId, step), CALL_LOG_DELAY_MS);
            if (runsTools) this.#host.setActivity("waiting_tool");
            break;
          }
          case "tool_results":
            this.#emit(turn, { type: "message", message: await this.#transcript.storeToolResults(turn.turnId, event.executions) });
            this.#host.setActivity("streaming");
            break;
          case "end":
            status = event.status;
            break;
        }
      }
      // A loop that yielded nothing still ends after the user's message (and the turn's record).
      await before;
    } catch (error) {
      // The user's message is shown once the model was asked: a run that failed before it asked
      // says so now, or the error below would wait out the head start first.
      asked();
      await turn.shown;
      const failure = error instanceof AppError ? error : internalError(error);
      if (failure.status >= 500) this.#host.log.error("turn.failed", { session_id: this.#host.sessionId, turn_id: turn.turnId, error });
      const event: StreamEvent = { type: "error", code: failure.code, message: failure.message, retryable: false };
      this.#emit(turn, { type: "event", turn_id: turn.turnId, event });
      answer = await this.#transcript
        .row(turn.turnId, "assistant", [])
        .then((row) =>
          this.#transcript.store({
            ...row,
            status: "error",
            provider: session?.provider ?? null,
            model: session?.model ?? null,
            credentialId: session?.credentialId ?? null,
            error: failure.message,
          }),
        )
        .catch(() => null);
      status = "failed";
    } finally {
      asked();
      firstEventShown?.();
      release();
      this.#record.clear();
      this.#cache.saveRegistration();
      this.#current = undefined;
      this.#host.setActivity("idle");
    }
    const echo = turn.requestId !== undefined ? { request_id: turn.requestId } : {};
    const result: TurnResult = { turn_id: turn.turnId, status, message: answer, ...echo };
    this.#remember(result);
    try {
      this.#emit(turn, { type: "turn_end", turn_id: turn.turnId, status, message: answer, ...echo });
    } finally {
      letGo();
      if (answerWrite !== undefined) void this.#host.committed().then(answerWrite, answerWrite);
      this.#writes.sweepNotesWhenWritten();
    }
    // The session's tokens and cost just changed: every client's header should say so.
    this.#updateTotals();
    return result;
  }

  /** Every client gets the session's new totals (session-totals.ts); `reread` them when more than stored messages moved them. */
  #updateTotals({ reread = false } = {}): void {
    if (reread) this.#totals.invalidate();
    void this.#totals
      .whenStored()
      .then((record) => record !== undefined && this.#host.showSession(record))
      .catch((error: unknown) => this.#host.log.warn("session.totals_update_failed", { error }));
  }

  #emit(_turn: RunningTurn, frame: UnnumberedFrame): void {
    this.#host.broadcast(frame);
  }

  /**
   * Every frame the session broadcasts passes here (the object calls it), whoever sent it — the
   * loop, the approval desk — so a turn's listeners and its snapshot buffer miss nothing.
   */
  observe(numbered: NumberedFrame): void {
    const { frame } = numbered;
    const turnId = turnOf(frame);
    if (turnId === null) return;
    if (frame.type === "event" && this.#current?.turnId === turnId) appendLiveEvent(this.#current.events, frame);
    const listeners = this.#listeners.get(turnId);
    if (listeners === undefined) return;
    for (const listener of listeners) listener(numbered);
    if (frame.type === "turn_end") this.#listeners.delete(turnId);
  }

  #remember(result: TurnResult): void {
    this.#results.set(result.turn_id, result);
    if (this.#results.size > RECENT_RESULTS) this.#results.delete(this.#results.keys().next().value ?? "");
  }
}
