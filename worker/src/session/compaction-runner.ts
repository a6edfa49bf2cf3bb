/**
 * When a session compacts (issue 12 §3–4), and with what: before a turn's first request when the
 * context has passed its threshold; once, mid-turn, when the provider says the request is too
 * long; and when someone asks. Each stores one `compaction` message (compactor.ts), tells every
 * client, and keeps the session's context size current. Compaction only happens between model
 * calls, so the prompt cache is rewritten once per compaction, not once per turn.
 */
import type { Message, SessionActivity, TurnId } from "@maestro/protocol";
import type { ContextLimits } from "../models/context-limits.ts";
import type { ConversationMessage } from "../providers/provider.ts";
import type { TurnDeps } from "./agent-loop.ts";
import { type CompactionTrigger, compact } from "./compactor.ts";
import { toConversation } from "./history.ts";
import type { SessionRuntime } from "./runtime.ts";
import { callForSummary } from "./summary-call.ts";
import type { Transcript } from "./transcript.ts";
import type { SessionRow } from "./turn-wiring.ts";

export interface CompactionHost extends Pick<SessionRuntime, "broadcast" | "log" | "sessionId"> {
  readonly activity: SessionActivity;
  setActivity(activity: SessionActivity): void;
}

export class SessionCompactor {
  readonly #host: CompactionHost;
  readonly #transcript: Transcript;

  constructor(host: CompactionHost, transcript: Transcript) {
    this.#host = host;
    this.#transcript = transcript;
  }

  /** Before a turn's first request: compact when the context has passed the threshold. */
  async beforeTurn(turnId: TurnId, session: SessionRow, deps: TurnDeps, limits: ContextLimits, signal: AbortSignal): Promise<void> {
    if (limits.windowTokens === null) return;
    const used = await this.#transcript.contextTokens();
    if (used <= limits.windowTokens * limits.compactAt) return;
    await this.#run({ turnId, session, deps, limits, signal, trigger: "auto" });
  }

  /** The provider said the request is too long: make room, and give the loop the history to ask again with. */
  async afterOverflow(
    turnId: TurnId,
    session: SessionRow,
    deps: TurnDeps,
    limits: ContextLimits,
    signal: AbortSignal,
  ): Promise<ConversationMessage[] | null> {
    // In the middle of a turn only that turn is kept whole: it may be what grew too long.
    const stored = await this.#run({ turnId, session, deps, limits, signal, trigger: "overflow", keepTurns: 1 });
    return stored === null ? null : toConversation((await this.#transcript.load()).messages);
  }

  /**
   * Someone asked (`POST /sessions/:id/compact`, the web button, `/compact`): summarise everything
   * but the latest turn, as a person clicking "compact" expects, however short the session.
   */
  async onRequest(
    turnId: TurnId,
    session: SessionRow,
    deps: TurnDeps,
    limits: ContextLimits,
    instructions: string | undefined,
  ): Promise<Message | null> {
    return this.#run({
      turnId,
      session,
      deps,
      limits,
      signal: new AbortController().signal,
      trigger: "manual",
      keepTurns: 1,
      instructions,
    });
  }

  async #run(run: {
    turnId: TurnId;
    session: SessionRow;
    deps: TurnDeps;
    limits: ContextLimits;
    signal: AbortSignal;
    trigger: CompactionTrigger;
    keepTurns?: number;
    instructions?: string | undefined;
  }): Promise<Message | null> {
    const { session, deps, limits } = run;
    const before = this.#host.activity;
    this.#host.setActivity("compacting");
    try {
      const { messages } = await this.#transcript.load();
      const contextTokens = await this.#transcript.contextTokens();
      const stored = await compact(
        {
          messages,
          trigger: run.trigger,
          instructions: run.instructions,
          contextTokens,
          targetTokens: limits.windowTokens === null ? null : Math.floor(limits.windowTokens * limits.compactAt),
          windowTokens: limits.windowTokens,
          keepTurns: run.keepTurns,
        },
        {
          summarise: (conversation) =>
            callForSummary(deps, { model: session.model, system: session.systemPrompt, messages: conversation }, run.signal),
          store: (part, summary) => this.#transcript.storeCompaction(run.turnId, part, summary, session),
        },
      );
      if (stored !== null) {
        this.#host.broadcast({ type: "message", message: stored });
        this.#host.log.info("session.compacted", {
          session_id: this.#host.sessionId,
          trigger: run.trigger,
          summarized: stored.content.some((part) => part.type === "compaction" && part.summary !== null),
          tokens_before: contextTokens,
          tokens_after: await this.#transcript.contextTokens(),
          cost_usd: stored.cost_usd,
        });
      }
      return stored;
    } finally {
      this.#host.setActivity(before);
    }
  }
}
