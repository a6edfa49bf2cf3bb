/**
 * The definer for tools that run on the user's machine (STYLE §2.2, after opencode's Tool.define):
 * the name the model sees, its kind, what the model reads, the zod schema its parameters are
 * checked against before run(), and run(), which returns a ToolOutcome and never throws for an
 * expected failure. Names, kinds and schemas come from protocol's BUILTIN_TOOLS, so the Worker's
 * registry and the agent can never disagree.
 */
import { BUILTIN_TOOLS, type BuiltinToolName, type ToolKind, type ToolOutcome } from "@maestro/protocol";
import type { CommandSandbox } from "../sandbox/os-sandbox.ts";
import type { z } from "zod";
import type { Roots } from "../sandbox/roots.ts";

export interface ToolProgress {
  /** A chunk of output (stdout/stderr of a command) as it arrives. */
  readonly output?: string;
  /** A short human status line ("exit 0", "matched 12 files"). */
  readonly status?: string;
}

export interface ToolContext {
  /** The one path gate: every path a tool touches goes through it. */
  readonly roots: Roots;
  /** The session's working directory (already inside a root), or null for the first root. */
  readonly cwd: string | null;
  /** Aborted on cancel and when the Worker's deadline passes. */
  readonly signal: AbortSignal;
  readonly onProgress: (progress: ToolProgress) => void;
  /** The OS sandbox commands run in; absent means none (commands run as the user). */
  readonly sandbox?: CommandSandbox;
}

export interface Tool<N extends BuiltinToolName = BuiltinToolName> {
  readonly name: N;
  readonly kind: ToolKind;
  readonly description: string;
  readonly params: (typeof BUILTIN_TOOLS)[N]["params"];
  run(params: z.output<(typeof BUILTIN_TOOLS)[N]["params"]>, context: ToolContext): Promise<ToolOutcome>;
}

/** Ties an implementation to its protocol spec: name, kind, description and params come from there. */
export function defineTool<N extends BuiltinToolName>(name: N, run: Tool<N>["run"]): Tool<N> {
  const spec = BUILTIN_TOOLS[name];
  return { name, kind: spec.kind, description: spec.description, params: spec.params, run };
}

/** An expected failure, as the model reads it. */
export function failure(code: Extract<ToolOutcome, { ok: false }>["code"], message: string, recoverable = true): ToolOutcome {
  return { ok: false, code, message, recoverable };
}
