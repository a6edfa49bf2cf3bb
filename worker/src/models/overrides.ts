/**
 * The hand table: only what models.dev lacks or gets wrong for The Maestro. Everything else comes
 * from the vendored snapshot (models-dev.ts). Each entry says why it is here; delete it once the
 * source has it right.
 */
import type { ModelsDevModel, SourceProviderId } from "./models-dev-shape.ts";

/**
 * Anthropic's cache writes. The Maestro marks its cache breakpoints with the 1-hour TTL
 * (anthropic.ts CACHE_CONTROL), which Anthropic bills at 2× the input price; models.dev lists
 * the 5-minute write (1.25× input), so its `cache_write` is not ours.
 */
export const ANTHROPIC_ONE_HOUR_CACHE_WRITE = 2;

/**
 * Models we offer that models.dev does not list (it dropped them from the provider's list).
 * claude-3-5-haiku: the stream fixtures and older sessions name it; priced as Anthropic listed it.
 */
export const HAND_MODELS: Readonly<Record<SourceProviderId, Readonly<Record<string, ModelsDevModel>>>> = {
  anthropic: {
    "claude-3-5-haiku-20241022": {
      name: "Claude Haiku 3.5",
      release_date: "2024-10-22",
      status: "deprecated",
      tool_call: true,
      reasoning: false,
      reasoning_options: [],
      input: ["text", "image", "pdf"],
      limit: { context: 200_000, output: 8192 },
      cost: { input: 0.8, output: 4, cache_read: 0.08 },
    },
  },
  openai: {},
  google: {},
};

/**
 * OpenAI models that only the Responses API serves (models.dev does not say which API a model
 * speaks): the codex and pro models and deep research. The Chat Completions provider does not
 * list them; openai_responses does.
 */
export const RESPONSES_ONLY = /-codex|-pro(?:-|$)|deep-research/;

/**
 * What a ChatGPT subscription (codex) serves: the GPT-5 models and their codex variants, as the
 * Codex CLI offers them (not pro, mini, nano or chat-latest). models.dev has no such list; the
 * picker still takes any other id.
 */
export const CODEX_SERVES = /^gpt-5(?:\.\d+)?(?:-codex(?:-mini|-max|-spark)?)?$/;
