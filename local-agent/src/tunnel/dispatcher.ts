/**
 * Runs the Worker's call frames: a built-in tool or a stdio MCP server's tool, one
 * AbortController per call id (aborted by `cancel` or when the call's time is up), progress
 * streamed and the outcome answered as a result frame. A call re-sent after a reconnect that is
 * already running here is not started twice, and one that already finished here is answered with
 * the result it had: a result sent just as the tunnel died (a laptop waking from sleep writes it
 * to a socket the Worker has given up on) may never have arrived, and running a command or an
 * edit again would do twice what the user approved once.
 */
import type { AgentToWorker, ToolOutcome, TunnelCallId, WorkerToAgent } from "@maestro/protocol";
import type { Logger } from "../log.ts";
import type { CommandSandbox } from "../sandbox/os-sandbox.ts";
import type { Roots } from "../sandbox/roots.ts";
import type { ToolContext } from "../tools/tool.ts";

type CallFrame = Extract<WorkerToAgent, { type: "call" }>;

/** The part of the stdio MCP servers the dispatcher needs. */
export interface McpRouter {
  owns(tool: string): boolean;
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<ToolOutcome>;
}

export interface DispatcherDeps {
  readonly roots: Roots;
  readonly sandbox?: CommandSandbox;
  readonly mcp: McpRouter;
  readonly runTool: (name: string, params: unknown, context: ToolContext) => Promise<ToolOutcome>;
  /** Sends now, or keeps a result until the tunnel is back. */
  readonly send: (frame: AgentToWorker) => void;
  readonly log: Logger;
}

/**
 * How many finished results are kept, and how long, for calls sent again. The Worker re-sends a
 * call when the agent re-registers without it, which is within its grace period (10 minutes by
 * default) of the tunnel dropping; a result is at most 1 MiB.
 */
const REMEMBERED_RESULTS = 32;
const REMEMBER_RESULTS_MS = 15 * 60_000;

/** For a Worker that sends only the epoch deadline: clocks differ, so never less than this. */
const MIN_BUDGET_MS = 1000;

/**
 * How long a call may run: the Worker's relative budget, timed by this process's own monotonic
 * timers; only a Worker without it makes the agent trust that the two wall clocks agree. Those
 * timers stand still while the machine sleeps (CLOCK_MONOTONIC on Linux, mach_absolute_time on
 * macOS), as the Worker's clock for the call does while the agent is offline: a laptop that
 * sleeps mid-call does not wake to a call it must stop at once.
 */
function budgetOf(frame: CallFrame): number {
  return frame.timeout_ms ?? Math.max(MIN_BUDGET_MS, frame.deadline - Date.now());
}

export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #running = new Map<TunnelCallId, AbortController>();
  /** Results of calls that finished here, oldest first, with when they finished. */
  readonly #finished = new Map<TunnelCallId, { readonly frame: AgentToWorker; readonly at: number }>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** Ids of calls still running here (for `register` after a reconnect). */
  running(): TunnelCallId[] {
    return [...this.#running.keys()];
  }

  handle(frame: CallFrame): void {
    if (this.#running.has(frame.id)) return;
    const finished = this.#finished.get(frame.id);
    if (finished !== undefined) {
      this.#deps.log.info("call.answered_again", { id: frame.id, tool: frame.tool });
      this.#deps.send(finished.frame);
      return;
    }
    const controller = new AbortController();
    this.#running.set(frame.id, controller);
    void this.#run(frame, controller);
  }

  cancel(id: TunnelCallId): void {
    this.#running.get(id)?.abort(new Error("cancelled"));
  }

  /** Stops everything (the agent is shutting down). */
  cancelAll(): void {
    for (const controller of this.#running.values()) controller.abort(new Error("shutting down"));
  }

  async #run(frame: CallFrame, controller: AbortController): Promise<void> {
    const started = performance.now();
    const budget = budgetOf(frame);
    let pastDeadline = false;
    const timer = setTimeout(() => {
      pastDeadline = true;
      controller.abort(new Error("deadline"));
    }, budget);
    this.#deps.log.info("call.start", { id: frame.id, tool: frame.tool });
    let outcome: ToolOutcome;
    try {
      outcome = this.#deps.mcp.owns(frame.tool)
        ? await this.#deps.mcp.call(frame.tool, frame.params, controller.signal, budget)
        : await this.#deps.runTool(frame.tool, frame.params, {
            roots: this.#deps.roots,
            cwd: frame.cwd,
            signal: controller.signal,
            onProgress: (progress) => this.#deps.send({ type: "progress", id: frame.id, ...progress }),
            ...(this.#deps.sandbox !== undefined && { sandbox: this.#deps.sandbox }),
          });
    } catch (error) {
      // Tools return expected failures as values; reaching here is a bug, reported as such.
      this.#deps.log.error("call.crashed", { id: frame.id, tool: frame.tool, error });
      outcome = { ok: false, code: "INTERNAL", message: "The tool failed unexpectedly on the user's machine.", recoverable: false };
    } finally {
      clearTimeout(timer);
      this.#running.delete(frame.id);
    }
    if (pastDeadline && !outcome.ok && outcome.code === "CANCELLED") {
      outcome = { ok: false, code: "TIMEOUT", message: `Stopped at the call's deadline. ${outcome.message}`, recoverable: true };
    }
    const duration = Math.round(performance.now() - started);
    this.#deps.log.info("call.end", { id: frame.id, tool: frame.tool, ok: outcome.ok, duration_ms: duration });
    const result = { type: "result" as const, id: frame.id, outcome, duration_ms: duration };
    this.#remember(result);
    this.#deps.send(result);
  }

  #remember(result: Extract<AgentToWorker, { type: "result" }>): void {
    const now = performance.now();
    this.#finished.set(result.id, { frame: result, at: now });
    for (const [id, entry] of this.#finished) {
      if (this.#finished.size <= REMEMBERED_RESULTS && now - entry.at <= REMEMBER_RESULTS_MS) break;
      this.#finished.delete(id);
    }
  }
}
