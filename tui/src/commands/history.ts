/**
 * `maestro history <id> [--search text] [--limit n] [--json]`: a session's stored messages,
 * oldest first, read page by page from the REST API. `attach` shows only the socket snapshot (the
 * last messages); this is how the rest of a long session is read or searched from a terminal.
 */
import type { Message, RestClient, SessionId } from "@maestro/protocol";
import { messageText } from "../message-text.ts";
import { type ExitCode, type Output, reportingApiErrors } from "./output.ts";

/** The most messages the API returns in one page. */
const PAGE_SIZE = 200;

export interface HistoryOptions {
  /** Only messages whose readable parts contain this (the API matches, case-insensitive). */
  readonly search?: string;
  /** Only the newest this many; all of them when undefined. */
  readonly limit?: number;
  readonly json?: boolean;
}

/**
 * The messages, oldest first. The API pages from the newest back (`before` the oldest seen), so
 * everything asked for is read before the first can be printed.
 */
async function readHistory(client: RestClient, sessionId: SessionId, options: HistoryOptions): Promise<Message[]> {
  const newestFirst: Message[] = [];
  let before: Message["id"] | undefined;
  for (;;) {
    const wanted = options.limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, options.limit - newestFirst.length);
    const page = await client.messages.list(sessionId, { limit: wanted, before, q: options.search });
    newestFirst.push(...page.data);
    // An empty page ends it too, so a cursor that does not move can never loop.
    if (page.next_before === null || page.data.length === 0) break;
    if (options.limit !== undefined && newestFirst.length >= options.limit) break;
    before = page.next_before;
  }
  return newestFirst.reverse();
}

export function showHistory(client: RestClient, sessionId: SessionId, options: HistoryOptions, output: Output): Promise<ExitCode> {
  return reportingApiErrors(output, "read the history", async () => {
    const messages = await readHistory(client, sessionId, options);
    if (options.json === true) {
      output.out(`${JSON.stringify(messages, null, 2)}\n`);
      return 0;
    }
    if (messages.length === 0) {
      output.err(options.search === undefined ? "No messages yet.\n" : `No messages match "${options.search}".\n`);
      return 0;
    }
    output.out(messages.map(messageText).join("\n"));
    return 0;
  });
}
