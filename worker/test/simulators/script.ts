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

/** Token counts in The Maestro's accounting: `input_tokens` uncached, cache reads and writes apart. */
export const UsageSchema = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_read_tokens: z.number().int().default(0),
  cache_write_tokens: z.number().int().default(0),
});
export type Usage = z.infer<typeof UsageSchema>;

export const TurnSchema = z.object({
  steps: z.array(StepSchema).default([]),
  /**
   * What the turn reports: fixed counts, or "measured" — the input is the simulator's estimate of
   * the request it answers (context-window.ts), split into cache reads (the prefix it shares with
   * the key's previous request) and uncached input; output tokens come from the steps. Omitted:
   * the script's `usage` decides, else 100 input tokens and output from the steps.
   */
  usage: z.union([UsageSchema, z.literal("measured")]).optional(),
  /** Overrides the stop reason the steps imply (`max_tokens`, for one). */
  stop: z.enum(["end_turn", "tool_use", "max_tokens"]).optional(),
  failure: FailureSchema.optional(),
  /** Pause between chunks, to make a stream observable while it runs. */
  chunk_delay_ms: z.number().int().nonnegative().default(0),
  /** How long the model reads its prompt: the response (headers and all) starts this long after the request. */
  think_ms: z.number().int().nonnegative().default(0),
  /** Play this recorded body instead of rendering the steps (steps and failure are ignored). */
  raw: RawSchema.optional(),
});
export type Turn = z.infer<typeof TurnSchema>;
export type TurnInput = z.input<typeof TurnSchema>;
export type RawInput = z.input<typeof RawSchema>;

export const ScriptOptionsSchema = z.object({
  /**
   * The model's context window, in tokens. A request whose estimated input (context-window.ts) is
   * above it gets the provider's own "too long" answer, plays no turn and uses none up.
   */
  context_window: z.number().int().positive().optional(),
  /** "measured": every turn that names no usage reports the measured request (see TurnSchema.usage). */
  usage: z.enum(["scripted", "measured"]).default("scripted"),
  /**
   * A compaction's summary request (the session asks to "Summarise the conversation so far") is
   * answered with a made-up summary that plays no scripted turn: a long session's compactions
   * come at times a script cannot foresee.
   */
  answer_summaries: z.boolean().default(false),
  /**
   * Keep the bodies of only the newest this many requests (older records keep their status): a
   * thousand-turn session's bodies would otherwise fill the simulator's memory.
   */
  keep_bodies: z.number().int().positive().optional(),
});
export type ScriptOptions = z.input<typeof ScriptOptionsSchema>;

export const ScriptSchema = ScriptOptionsSchema.extend({ key: z.string().min(1), turns: z.array(TurnSchema).min(1) });
export type Script = z.infer<typeof ScriptSchema>;

/** The simulator's measure of a request: its estimated input tokens, and how many repeat the last one's prefix. */
export interface Measured {
  readonly input_tokens: number;
  readonly cached_tokens: number;
}

export interface ResolvedTurn extends Omit<Turn, "usage"> {
  readonly usageOrDefault: Usage;
  readonly stopReason: "end_turn" | "tool_use" | "max_tokens";
}

/**
 * Defaults a wire renderer needs: token counts from the text (or, for "measured" usage, the
 * request's measure), the stop reason from the steps.
 */
export function resolveTurn(turn: Turn, key: string, measured?: Measured): ResolvedTurn {
  const textLength = turn.steps.reduce(
    (sum, step) => sum + (step.kind === "tool_calls" ? JSON.stringify(step.calls).length : step.text.length),
    0,
  );
  const calledTools = turn.steps.some((step) => step.kind === "tool_calls");
  // A thinking step that names no signature gets one made for its text, checkable later.
  const steps = turn.steps.map((step) =>
    step.kind === "thinking" && step.signature === MADE_UP_SIGNATURE ? { ...step, signature: newSignature(step.text, key) } : step,
  );
  const outputTokens = Math.max(1, Math.ceil(textLength / 4));
  const usage: Usage =
    turn.usage === "measured"
      ? {
          input_tokens: measured === undefined ? 100 : measured.input_tokens - measured.cached_tokens,
          output_tokens: outputTokens,
          cache_read_tokens: measured?.cached_tokens ?? 0,
          cache_write_tokens: 0,
        }
      : (turn.usage ?? { input_tokens: 100, output_tokens: outputTokens, cache_read_tokens: 0, cache_write_tokens: 0 });
  return {
    ...turn,
    steps,
    usageOrDefault: usage,
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
