/**
 * A stored message as plain lines, for `maestro history`: no colour and no markdown rendering, so
 * the same text reads in a terminal, a pager or a file, and `grep` finds what was said. The
 * wording follows the attach view (components/TranscriptLines.tsx), which shares compactionNote.
 */
import { type ContentPart, type Message, shortTokens, stopNotice } from "@maestro/protocol";

type CompactionPart = Extract<ContentPart, { type: "compaction" }>;

/** A tool result's output is cut to its first lines: the whole of a file read or a build log would bury the conversation. */
const RESULT_LINES = 6;
/** Arguments are one JSON line; a file written whole would be pages of it. */
const ARGS_CHARS = 300;

/** What a compaction did, in one phrase: "earlier turns summarised for the model (171k → 12k tokens)". */
export function compactionNote(part: CompactionPart): string {
  const what = part.summary === null ? "older tool outputs shortened" : "earlier turns summarised for the model";
  return `${what} (${shortTokens(part.tokens_before)} → ${shortTokens(part.tokens_after)} tokens)`;
}

/** "‹2/3›": this message is one of several alternatives (an edit, a regenerated answer). */
export function branchMark(message: Message): string | null {
  if (message.siblings === undefined) return null;
  return `‹${message.siblings.indexOf(message.id) + 1}/${message.siblings.length}›`;
}

/** Local time to the second, the way a person reads a log: 2026-11-24 19:00:00. */
function localTime(iso: string): string {
  const at = new Date(iso);
  const two = (value: number) => String(value).padStart(2, "0");
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `${date} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

function headLines(text: string, count: number): string[] {
  const lines = text.trimEnd().split("\n");
  if (lines.length <= count) return lines;
  return [...lines.slice(0, count), `… (${lines.length - count} more lines)`];
}

const indent = (lines: readonly string[]) => lines.map((line) => `  ${line}`);

function callText(part: Extract<ContentPart, { type: "tool_call" }>): string {
  const args = part.args_json ?? JSON.stringify(part.args);
  const shown = args.length > ARGS_CHARS ? `${args.slice(0, ARGS_CHARS)}… (${args.length - ARGS_CHARS} more chars)` : args;
  return `→ ${part.name}(${shown})`;
}

function partLines(part: ContentPart): string[] {
  switch (part.type) {
    case "text":
      return part.text.trimEnd().split("\n");
    case "thinking":
      return ["▸ thinking", ...indent(part.text.trimEnd().split("\n"))];
    case "redacted_thinking":
      return ["▸ thinking (redacted)"];
    case "refusal":
      return [`declined: ${part.text}`];
    case "tool_call":
      return [callText(part)];
    case "tool_result": {
      const label = part.ok ? part.name : `${part.name} failed${part.error_code === undefined ? "" : ` (${part.error_code})`}`;
      const [first = "", ...rest] = headLines(part.output, RESULT_LINES);
      return [`← ${label}: ${first}`, ...indent(rest)];
    }
    case "compaction":
      return [
        ...(part.instructions === undefined ? [] : [`asked to keep: ${part.instructions}`]),
        ...(part.summary === null ? [] : part.summary.trimEnd().split("\n")),
      ];
  }
}

function header(message: Message): string {
  const time = localTime(message.created_at);
  const part = message.content.find((each) => each.type === "compaction");
  // A compaction is a boundary in the conversation, not someone speaking: its header is the divider.
  if (message.role === "compaction") return `${time}  ── ${part === undefined ? "compaction" : compactionNote(part)} ──`;
  const model = message.role === "assistant" && message.model !== null ? ` · ${message.model}` : "";
  const status = message.status === "complete" ? "" : ` (${message.status})`;
  const mark = branchMark(message);
  return `${time}  ${message.role}${model}${status}${mark === null ? "" : ` ${mark}`}`;
}

/** One message as a block: the header line, then its readable parts, then why an answer stopped early. */
export function messageText(message: Message): string {
  const notice = message.role === "assistant" ? (message.error ?? stopNotice(message.stop_reason)) : null;
  const lines = [header(message), ...message.content.flatMap(partLines), ...(notice === null ? [] : [notice])];
  return `${lines.join("\n")}\n`;
}
