/**
 * The definer for tools that run inside the Worker (STYLE §2.2): name, kind, what the model reads,
 * a zod schema of the parameters (checked before run), and run(), which returns a ToolOutcome and
 * never throws for an expected failure.
 */
import type { ToolKind, ToolOutcome } from "@maestro/protocol";
import type { z } from "zod";
import type { ToolProgress } from "../session/turn-ports.ts";

export interface WorkerToolContext {
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: ToolProgress) => void;
}

export interface WorkerTool<P extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly kind: ToolKind;
  readonly description: string;
  readonly params: P;
  run(params: z.output<P>, context: WorkerToolContext): Promise<ToolOutcome>;
}

export function defineWorkerTool<P extends z.ZodObject>(tool: WorkerTool<P>): WorkerTool<P> {
  return tool;
}
