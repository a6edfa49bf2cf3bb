/**
 * The approval desk (issue 3 §4): a tool call that needs the user's yes is put to every client
 * as an `approval_request`; the first answer wins and every client hears it (`approval_result`);
 * no answer in time is a denial. "Approve for this session" is remembered in the object's storage.
 */
import type { ApprovalDecision, ApprovalRequestFrameSchema, PendingApproval, RequestId, ToolCallId, TurnId } from "@maestro/protocol";
import type { z } from "zod";
import { AppError } from "../errors.ts";
import type { NumberedFrame, UnnumberedFrame } from "./event-log.ts";
import type { ApprovalAnswer, ApprovalGate, ApprovalRequest } from "./turn-ports.ts";

type ApprovalRequestFrame = z.infer<typeof ApprovalRequestFrameSchema>;
type Answerer = ApprovalAnswer["by"];

export interface ApprovalHost {
  broadcast(frame: UnnumberedFrame): NumberedFrame;
  readonly storage: { get<T>(key: string): T | undefined; put(key: string, value: unknown): void };
  /** Called as questions open and close, for the session's activity. */
  onPendingChange(pending: number): void;
}

interface Pending {
  readonly turnId: TurnId;
  readonly callId: ToolCallId;
  readonly tool: string;
  /** The request as broadcast (numbered), for clients that join while it waits. */
  request: ApprovalRequestFrame | undefined;
  readonly askedAt: string;
  readonly agentId: string | null;
  readonly settle: (answer: ApprovalAnswer) => void;
}

/** A question still open, as the inbox (GET /approvals) lists it. */
export type OpenQuestion = Pick<PendingApproval, "turn_id" | "call_id" | "tool" | "kind" | "args" | "asked_at" | "expires_at" | "agent_id">;

const SESSION_APPROVALS_KEY = "approved_tools";

export class ApprovalDesk implements ApprovalGate {
  readonly #host: ApprovalHost;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();

  constructor(host: ApprovalHost, timeoutMs: number) {
    this.#host = host;
    this.#timeoutMs = timeoutMs;
  }

  approvedForSession(tool: string): boolean {
    return (this.#host.storage.get<string[]>(SESSION_APPROVALS_KEY) ?? []).includes(tool);
  }

  ask(question: ApprovalRequest): Promise<ApprovalAnswer> {
    return new Promise((resolve) => {
      const request = {
        type: "approval_request" as const,
        turn_id: question.turnId,
        call_id: question.callId,
        tool: question.tool,
        kind: question.kind,
        args: question.args,
        expires_at: new Date(Date.now() + this.#timeoutMs).toISOString(),
      };
      const timer = setTimeout(() => this.#close(question.callId, { decision: "deny", by: "timeout" }), this.#timeoutMs);
      const onAbort = () => this.#close(question.callId, { decision: "deny", by: "timeout" }, "cancel");
      question.signal.addEventListener("abort", onAbort, { once: true });
      const pending: Pending = {
        turnId: question.turnId,
        callId: question.callId,
        tool: question.tool,
        request: undefined,
        askedAt: new Date().toISOString(),
        agentId: question.agentId ?? null,
        settle: (answer) => {
          clearTimeout(timer);
          question.signal.removeEventListener("abort", onAbort);
          resolve(answer);
        },
      };
      this.#pending.set(question.callId, pending);
      const numbered = this.#host.broadcast(request);
      if (numbered.frame.type === "approval_request") pending.request = numbered.frame;
      this.#host.onPendingChange(this.#pending.size);
    });
  }

  /** A client's answer. Only the first one for a call counts; a late one is told so. */
  answer(callId: string, decision: ApprovalDecision, by: Exclude<Answerer, "timeout">, reason?: string, requestId?: RequestId): void {
    const pending = this.#pending.get(callId);
    if (pending === undefined)
      throw new AppError("APPROVAL_NOT_FOUND", "No approval is waiting for that call (it may have been answered already).");
    if (decision === "approve_session") {
      const approved = this.#host.storage.get<string[]>(SESSION_APPROVALS_KEY) ?? [];
      if (!approved.includes(pending.tool)) this.#host.storage.put(SESSION_APPROVALS_KEY, [...approved, pending.tool]);
    }
    this.#close(callId, { decision, by, ...(reason !== undefined && { reason }) }, by, requestId);
  }

  /** The questions still open, for a client that joins while they wait. */
  openRequests(): ApprovalRequestFrame[] {
    return [...this.#pending.values()].flatMap((pending) => (pending.request === undefined ? [] : [pending.request]));
  }

  /** The same, with when each was asked and where it would run: for the cross-session inbox. */
  openQuestions(): OpenQuestion[] {
    return [...this.#pending.values()].flatMap((pending) =>
      pending.request === undefined
        ? []
        : [
            {
              turn_id: pending.turnId,
              call_id: pending.callId,
              tool: pending.tool,
              kind: pending.request.kind,
              args: pending.request.args,
              asked_at: pending.askedAt,
              expires_at: pending.request.expires_at,
              agent_id: pending.agentId,
            },
          ],
    );
  }

  #close(callId: string, answer: ApprovalAnswer, reportedBy: Answerer | "cancel" = answer.by, requestId?: RequestId): void {
    const pending = this.#pending.get(callId);
    if (pending === undefined) return;
    this.#pending.delete(callId);
    this.#host.broadcast({
      type: "approval_result",
      turn_id: pending.turnId,
      call_id: pending.callId,
      decision: answer.decision,
      by: reportedBy,
      ...(requestId !== undefined && { request_id: requestId }),
    });
    this.#host.onPendingChange(this.#pending.size);
    pending.settle(answer);
  }
}
