/**
 * A search hit's preview: a few words around where the query occurs in a message, cut into
 * plain and matching segments for the result list to highlight. Looks at the same parts the
 * server's `q` searches (see ListMessagesQuerySchema), so the words that matched are the ones shown.
 */
import type { Message } from "@maestro/protocol";

export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

/** Characters kept on each side of the first match. */
const CONTEXT_CHARS = 60;

/** The words of each part a reader could see, in order. */
function readableTexts(message: Message): string[] {
  return message.content.flatMap((part) => {
    switch (part.type) {
      case "text":
      case "thinking":
      case "refusal":
        return [part.text];
      case "tool_call":
        return [`${part.name} ${part.args_json ?? JSON.stringify(part.args)}`];
      case "tool_result":
        return [`${part.name} ${part.output}`];
      case "compaction":
        return part.summary === null ? [] : [part.summary];
      case "redacted_thinking":
        return [];
    }
  });
}

/** One line: newlines and runs of spaces read as a single space in a preview. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** The query as a literal, case-insensitive pattern (the user types words, not regular expressions). */
function literal(query: string, flags: string): RegExp {
  return new RegExp(oneLine(query).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags);
}

export function snippet(message: Message, query: string): Segment[] {
  const first = literal(query, "iu");
  const texts = readableTexts(message).map(oneLine);
  const text = texts.find((each) => first.test(each)) ?? texts[0] ?? "";
  const found = first.exec(text);
  // The server may match what this preview cannot see (say, differently escaped arguments):
  // then the start of the message stands in, unhighlighted.
  const at = found?.index ?? 0;
  const start = Math.max(0, at - CONTEXT_CHARS);
  const end = Math.min(text.length, at + (found?.[0].length ?? 0) + CONTEXT_CHARS);
  const excerpt = text.slice(start, end);
  // Splitting on a capturing pattern keeps the matches at the odd positions.
  const segments = excerpt
    .split(new RegExp(`(${literal(query, "").source})`, "giu"))
    .map((part, index) => ({ text: part, match: index % 2 === 1 }))
    .filter((segment) => segment.text.length > 0);
  return [...(start > 0 ? [{ text: "…", match: false }] : []), ...segments, ...(end < text.length ? [{ text: "…", match: false }] : [])];
}
