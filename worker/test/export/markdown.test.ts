// Proves: the Markdown transcript follows the branch in use only (not the alternatives beside it),
// folds thinking and each tool call together with its result into <details>, fences output that
// itself holds backticks so it cannot break out, notes compactions, marks broken-off answers with
// their error, and sums the branch's cost; the download's file name is a safe slug of the title.
import type { ExportedMessage, MessageId, SessionExport, ToolCallId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { exportFileName, sessionMarkdown } from "../../src/export/markdown.ts";

let serial = 0;
function message(
  role: ExportedMessage["role"],
  content: ExportedMessage["content"],
  extra: Partial<ExportedMessage> = {},
): ExportedMessage {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}` as MessageId,
    parent_id: null,
    turn_id: null,
    role,
    content,
    status: "complete",
    provider: null,
    model: null,
    usage: null,
    cost_usd: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    stop_reason: null,
    error: null,
    created_at: new Date(1_800_000_000_000 + serial).toISOString(),
    ...extra,
  };
}

function chain(messages: ExportedMessage[]): ExportedMessage[] {
  return messages.map((each, index) => ({ ...each, parent_id: index === 0 ? null : (messages[index - 1]?.id ?? null) }));
}

const answer = {
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  usage: { input_tokens: 10, output_tokens: 5, cache_read_tokens: 2, cache_write_tokens: 0 },
} as const;
const call = "toolu_1" as ToolCallId;

function sample(): SessionExport {
  const branch = chain([
    message("user", [{ type: "text", text: "What is in <notes>?" }]),
    message(
      "assistant",
      [
        { type: "thinking", text: "Read the file." },
        { type: "text", text: "Reading it." },
        { type: "tool_call", call_id: call, name: "read_file", args: { path: "notes.md" } },
      ],
      { ...answer, cost_usd: 0.25 },
    ),
    message("tool", [{ type: "tool_result", call_id: call, name: "read_file", ok: true, output: "```js\nx\n```" }]),
    message("compaction", [
      {
        type: "compaction",
        trigger: "auto",
        pruned_through: null,
        summarized_through: null,
        summary: "They read notes.",
        tokens_before: 9,
        tokens_after: 3,
      },
    ]),
    message("assistant", [{ type: "text", text: "It holds code." }], {
      ...answer,
      cost_usd: 0.5,
      status: "partial",
      error: "overloaded",
      stop_reason: "error",
    }),
  ]);
  const old = message("assistant", [{ type: "text", text: "An older answer." }], {
    ...answer,
    parent_id: branch[3]?.id ?? null,
    cost_usd: 1,
  });
  return {
    format: "maestro.session",
    version: 1,
    exported_at: "2026-12-04T00:00:00.000Z",
    session: {
      title: "Notes",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      system_prompt: "Be brief.",
      enabled_tools: null,
      enabled_mcp: null,
      approval_mode: "ask",
      agent_offline: "fail",
      agent_offline_grace_ms: 600_000,
      compact_at: null,
      context_window: null,
      working_directory: null,
      credential: null,
      created_at: "2026-12-03T00:00:00.000Z",
    },
    leaf_id: branch.at(-1)?.id ?? null,
    messages: [...branch, old],
    cost_usd: 1.75,
  };
}

describe("sessionMarkdown", () => {
  it("reads as a transcript of the branch in use, details folded", () => {
    const markdown = sessionMarkdown(sample());
    expect(markdown).toMatch(/^# Notes\n\n- \*\*Model:\*\* anthropic \/ claude-sonnet-4-5\n/);
    expect(markdown).toContain("- **Messages:** 5 on this branch (6 in all branches)");
    expect(markdown).toContain("- **Cost:** $0.7500 on this branch ($1.75 in all)");
    expect(markdown).toContain("<details>\n<summary>System prompt</summary>\n\nBe brief.\n\n</details>");
    expect(markdown).toContain("## User\n\nWhat is in <notes>?");
    expect(markdown).toContain("<details>\n<summary>Thinking</summary>\n\nRead the file.\n\n</details>");
    // The call and its result in one fold; the result's own fences cannot close the block early.
    expect(markdown).toContain(
      '<summary>Tool call: read_file (ok)</summary>\n\nArguments:\n\n```json\n{\n  "path": "notes.md"\n}\n```\n\nResult:\n\n````\n```js\nx\n```\n````',
    );
    expect(markdown).not.toContain("## Tool results");
    expect(markdown).toContain(
      "> *Earlier turns were summarised here (auto).*\n\n<details>\n<summary>Summary</summary>\n\nThey read notes.",
    );
    expect(markdown).toContain(
      "It holds code.\n\n> **Error:** overloaded\n\n*claude-sonnet-4-5 · 12 in / 5 out tokens · $0.5000 · partial · stopped: error*",
    );
    expect(markdown).not.toContain("An older answer.");
  });

  it("names the download after the title, safely", () => {
    const now = new Date("2026-12-04T10:00:00Z");
    expect(exportFileName('Refactor: the "parser" / ../etc', "md", now)).toBe("maestro-refactor-the-parser-etc-2026-12-04.md");
    expect(exportFileName("日本語", "json", now)).toBe("maestro-session-2026-12-04.json");
  });
});
