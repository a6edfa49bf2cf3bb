/**
 * What the agent loop needs from the world, as interfaces: tools to run and a gate that asks the
 * user. The Durable Object supplies real ones; tests supply scripted ones.
 */
import type { AgentId, ApprovalDecision, ToolApproval, ToolCallId, ToolKind, ToolOutcome, ToolSource, TurnId } from "@maestro/protocol";
import type { ToolDefinition } from "../providers/provider.ts";

export interface ToolCallRequest {
  readonly callId: ToolCallId;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

export interface ToolInfo {
  readonly kind: ToolKind;
  readonly approval: ToolApproval;
  readonly source: ToolSource;
  /** The local agent it runs on, for the audit trail; null when it runs elsewhere (or on no agent). */
  readonly agentId: AgentId | null;
  /** That agent's name, which tool cards show; null when agentId is. */
  readonly machine: string | null;
}

export interface ToolProgress {
  readonly output?: string;
  readonly status?: string;
}

export interface ToolRuntime {
  /** What the model is offered. */
  readonly definitions: readonly ToolDefinition[];
  /**
   * How a tool offered to the model behaves; undefined for a name it was not offered. `args`
   * picks the machine when the session has several (without them, agentId and machine may be null).
   */
  describe(name: string, args?: Record<string, unknown>): ToolInfo | undefined;
  execute(call: ToolCallRequest, options: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void }): Promise<ToolOutcome>;
}

export interface ApprovalAnswer {
  readonly decision: ApprovalDecision;
  readonly by: "web" | "tui" | "api" | "timeout";
  readonly reason?: string;
}

/** A tool call put to the user. */
export interface ApprovalRequest {
  readonly turnId: TurnId;
  readonly callId: ToolCallId;
  readonly tool: string;
  readonly kind: ToolKind;
  readonly args: Record<string, unknown>;
  readonly signal: AbortSignal;
  /** The local agent the call would run on, shown in the approval inbox. */
  readonly agentId?: string | null;
}

export interface ApprovalGate {
  /** Asks every client; resolves with the first answer, or a denial when nobody answers in time. */
  ask(request: ApprovalRequest): Promise<ApprovalAnswer>;
  approvedForSession(tool: string): boolean;
}
