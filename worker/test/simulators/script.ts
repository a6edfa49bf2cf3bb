/**
 * What a simulated model says, independent of wire format: a scripted turn is a list of steps
 * (thinking, text, parallel tool calls), its usage, and optionally a failure to act out. Each
 * format module renders the same turn in its own wire format.
 */
import { z } from "zod";
import { MADE_UP_SIGNATURE, newSignature } from "./sim-signatures.ts";

export const ToolCallScriptSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});

export const StepSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("thinking"), text: z.string(), signature: z.string().default(MADE_UP_SIGNATURE) }),
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({ kind: z.literal("tool_calls"), calls: z.array(ToolCallScriptSchema).min(1) }),
]);
export type Step = z.infer<typeof StepSchema>;

export const FailureSchema = z.discriminatedUnion("kind", [
  /** Answer with an HTTP error instead of a stream. */
  z.object({ kind: z.literal("http"), status: z.number().int(), retry_after: z.number().optional(), error_type: z.string().optional() }),
  /** The provider is overloaded: Anthropic's 529 / mid-stream overloaded_error, 503 elsewhere. */
  z.object({ kind: z.literal("overloaded"), mid_stream: z.boolean().default(false) }),
  /** Send a chunk that is not valid JSON after this many chunks. */
  z.object({ kind: z.literal("malformed"), after_chunks: z.number().int().nonnegative() }),
  /** Drop the connection after this many chunks, without the terminal event. */
  z.object({ kind: z.literal("cut"), after_chunks: z.number().int().nonnegative() }),
]);
export type Failure = z.infer<typeof FailureSchema>;

/**
 * A recorded response body played back as it is (test/fixtures/streams/README.md), instead of
 * steps rendered by the format: the exact bytes, written per SSE event ("frames") or in
 * `chunk_bytes`-byte pieces of the UTF-8 encoding ("bytes", so writes end inside lines and
 * inside multi-byte characters); then the body ends, the connection is cut, or it hangs open.
 */
export const RawSchema = z.object({
  body: z.string(),
  status: z.number().int().default(200),
  headers: z.record(z.string(), z.string()).default({}),
  mode: z.enum(["frames", "bytes"]).default("frames"),
  chunk_bytes: z.number().int().positive().default(16),
  chunk_delay_ms: z.number().int().nonnegative().default(0),
  end: z.enum(["close", "cut", "hang"]).default("close"),
});
export type Raw = z.infer<typeof RawSchema>;

export const TurnSchema = z.object({
  steps: z.array(StepSchema).default([]),
  usage: z
    .object({
      input_tokens: z.number().int(),
      output_tokens: z.number().int(),
      cache_read_tokens: z.number().int().default(0),
      cache_write_tokens: z.number().int().default(0),
    })
    .optional(),
  /** Overrides the stop reason the steps imply (`max_tokens`, for one). */
  stop: z.enum(["end_turn", "tool_use", "max_tokens"]).optional(),
  failure: FailureSchema.optional(),
  /** Pause between chunks, to make a stream observable while it runs. */
  chunk_delay_ms: z.number().int().nonnegative().default(0),
  /** Play this recorded body instead of rendering the steps (steps and failure are ignored). */
  raw: RawSchema.optional(),
});
export type Turn = z.infer<typeof TurnSchema>;
export type TurnInput = z.input<typeof TurnSchema>;

export const ScriptSchema = z.object({ key: z.string().min(1), turns: z.array(TurnSchema).min(1) });

export interface ResolvedTurn extends Turn {
  readonly usageOrDefault: NonNullable<Turn["usage"]>;
  readonly stopReason: "end_turn" | "tool_use" | "max_tokens";
}

/** Defaults a wire renderer needs: token counts from the text, the stop reason from the steps. */
export function resolveTurn(turn: Turn, key: string): ResolvedTurn {
  const textLength = turn.steps.reduce(
    (sum, step) => sum + (step.kind === "tool_calls" ? JSON.stringify(step.calls).length : step.text.length),
    0,
  );
  const calledTools = turn.steps.some((step) => step.kind === "tool_calls");
  // A thinking step that names no signature gets one made for its text, checkable later.
  const steps = turn.steps.map((step) =>
    step.kind === "thinking" && step.signature === MADE_UP_SIGNATURE ? { ...step, signature: newSignature(step.text, key) } : step,
  );
  return {
    ...turn,
    steps,
    usageOrDefault: turn.usage ?? {
      input_tokens: 100,
      output_tokens: Math.max(1, Math.ceil(textLength / 4)),
      cache_read_tokens: 0,
      cache_write_tokens: 0,
    },
    stopReason: turn.stop ?? (calledTools ? "tool_use" : "end_turn"),
  };
}

/** Split text into stream-sized pieces (word by word, keeping the spaces). */
export function chunksOf(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

/** A stable call id for a scripted call that did not name one. */
export function callIdOf(call: z.infer<typeof ToolCallScriptSchema>, index: number, prefix: string): string {
  return call.id ?? `${prefix}${index.toString().padStart(2, "0")}sim`;
}
