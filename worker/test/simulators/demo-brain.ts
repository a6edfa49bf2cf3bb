/**
 * The demo model behind `npm run dev -- --demo`: not a language model, a few rules that make the
 * product's moving parts visible. Ask it to read, write, run or fetch something and it calls the
 * matching tool (writes and commands wait for approval in `ask` mode); after a tool it reports
 * what came back; otherwise it answers in markdown about what it can show you.
 *
 * A demo credential whose key is OVERLOADED_MID_LOOP_KEY plays a provider that breaks down in the
 * middle of a tool loop: it thinks (signed) and calls the tool, then answers every request that
 * carries the tool's result with its overloaded error (Anthropic's 529), so the session's
 * fallback takes the turn over (failover). Demo only: no real provider is ever asked.
 */
import type { Endpoint } from "./fidelity-endpoints.ts";
import type { TurnInput } from "./script.ts";
import { isSummaryRequest } from "./summary-ask.ts";

interface Conversation {
  readonly lastUserText: string;
  readonly lastToolResult: string | undefined;
  readonly tools: ReadonlySet<string>;
}

type Json = Record<string, unknown>;
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const textOf = (value: unknown): string =>
  typeof value === "string"
    ? value
    : asArray(value)
        .map((part) => (typeof part.text === "string" ? part.text : ""))
        .join("");

/** What each wire format says about the conversation, reduced to what the rules need. */
function read(endpoint: Endpoint, body: Json): Conversation {
  if (endpoint === "anthropic") {
    const last = asArray(body.messages).at(-1);
    const blocks = asArray(last?.content);
    const result = blocks.find((block) => block.type === "tool_result");
    return {
      lastUserText: textOf(last?.content),
      lastToolResult: result === undefined ? undefined : textOf(result.content),
      tools: new Set(asArray(body.tools).map((tool) => String(tool.name))),
    };
  }
  if (endpoint === "openai") {
    const last = asArray(body.messages).at(-1);
    return {
      lastUserText: last?.role === "user" ? textOf(last.content) : "",
      lastToolResult: last?.role === "tool" ? textOf(last.content) : undefined,
      tools: new Set(asArray(body.tools).map((tool) => String((tool.function as Json | undefined)?.name))),
    };
  }
  if (endpoint === "openai_responses") {
    const last = asArray(body.input).at(-1);
    return {
      lastUserText: last?.role === "user" ? textOf(last.content) : "",
      lastToolResult: last?.type === "function_call_output" ? textOf(last.output) : undefined,
      tools: new Set(asArray(body.tools).map((tool) => String(tool.name))),
    };
  }
  const last = asArray(body.contents).at(-1);
  const parts = asArray(last?.parts);
  const response = parts.find((part) => part.functionResponse !== undefined)?.functionResponse as Json | undefined;
  return {
    lastUserText: textOf(parts),
    lastToolResult: response === undefined ? undefined : JSON.stringify(response.response),
    tools: new Set(asArray(asArray(body.tools)[0]?.functionDeclarations).map((tool) => String(tool.name))),
  };
}

const PACE = 25;

/** The demo key of a provider that is overloaded once a tool has answered (see above). */
export const OVERLOADED_MID_LOOP_KEY = "demo-key-overloaded-mid-loop";

// Providers give every call an id unique in the conversation; so does the demo (two "run a
// command" turns must not share a tool card).
const CALL_ID_PREFIX: Record<Endpoint, string> = {
  anthropic: "toolu_",
  openai: "call_",
  openai_responses: "call_",
  codex: "call_",
  gemini: "",
};

function call(endpoint: Endpoint, name: string, args: Record<string, unknown>, preface: string): TurnInput {
  const id = `${CALL_ID_PREFIX[endpoint]}demo${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  return {
    steps: [
      { kind: "text", text: preface },
      { kind: "tool_calls", calls: [{ id, name, args }] },
    ],
    chunk_delay_ms: PACE,
  };
}

/** The session compacting (the Compact button): a summary that says what it is. */
function demoSummary(body: unknown): TurnInput {
  const asked = [...JSON.stringify(body).matchAll(/You said: \*([^*]{1,80})\*/g)].map((match) => match[1]);
  const said = asked.length === 0 ? "" : ` Earlier the person said: ${[...new Set(asked)].map((text) => `"${text}"`).join(", ")}.`;
  return {
    steps: [
      {
        kind: "text",
        text: `(A summary written by the demo model, not a real one.) The person has been trying The Maestro's demo.${said}`,
      },
    ],
    chunk_delay_ms: PACE,
  };
}

export function demoBrain(endpoint: Endpoint, body: unknown, key = ""): TurnInput {
  if (isSummaryRequest(body)) return demoSummary(body);
  const conversation = read(endpoint, (body ?? {}) as Json);
  if (key === OVERLOADED_MID_LOOP_KEY) return overloadedMidLoop(endpoint, body, conversation);
  return answer(endpoint, conversation);
}

/** Thinks before it acts, so its signatures are in the history a fallback must not be sent. */
function overloadedMidLoop(endpoint: Endpoint, body: unknown, conversation: Conversation): TurnInput {
  if (conversation.lastToolResult !== undefined) return { failure: { kind: "overloaded" } };
  const turn = demoBrain(endpoint, body);
  if (!turn.steps?.some((step) => step.kind === "tool_calls")) return turn;
  return { ...turn, steps: [{ kind: "thinking", text: "A tool can answer this; let me call it." }, ...(turn.steps ?? [])] };
}

function answer(endpoint: Endpoint, conversation: Conversation): TurnInput {
  if (conversation.lastToolResult !== undefined) {
    const excerpt = conversation.lastToolResult.slice(0, 400);
    return {
      steps: [{ kind: "text", text: `The tool answered:\n\n\`\`\`\n${excerpt}\n\`\`\`\n\nAnything else you'd like me to try?` }],
      chunk_delay_ms: PACE,
    };
  }
  const text = conversation.lastUserText.trim();
  const lower = text.toLowerCase();
  const url = text.match(/https?:\/\/\S+/)?.[0];
  const path = text.match(/[\w./-]+\.[a-z0-9]{1,5}\b/i)?.[0] ?? "README.md";
  const has = (tool: string) => conversation.tools.has(tool);
  if (url !== undefined && has("fetch_url")) return call(endpoint, "fetch_url", { url }, `I'll fetch ${url}.`);
  if (/\b(write|create|save)\b/.test(lower) && has("write_file"))
    return call(endpoint, "write_file", { path, content: "Written by the Maestro demo model.\n" }, `I'll write ${path}.`);
  if (/\b(run|execute|shell|command)\b/.test(lower) && has("run_shell_command"))
    return call(endpoint, "run_shell_command", { command: "ls -la" }, "I'll run `ls -la`.");
  if (/\b(read|open|show)\b/.test(lower) && has("read_file")) return call(endpoint, "read_file", { path }, `I'll read ${path}.`);
  const thinking = /\b(think|why|how)\b/.test(lower)
    ? [{ kind: "thinking" as const, text: "The user is exploring the demo; explain what it can do." }]
    : [];
  return {
    steps: [
      ...thinking,
      {
        kind: "text",
        text:
          `You said: *${text.length > 0 ? text : "(nothing)"}*\n\n` +
          "I'm **the demo model**, a simulator that speaks each provider's real wire format, so you can try The Maestro without an API key. Try:\n\n" +
          "- `read README.md`: a tool call on your machine (needs a local agent)\n" +
          "- `write notes.md`: an edit that waits for your approval\n" +
          "- `fetch https://example.com`: a tool the Worker runs itself\n" +
          "- `think about it`: streamed thinking before the answer",
      },
    ],
    chunk_delay_ms: PACE,
  };
}
