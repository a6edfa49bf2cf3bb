/**
 * `maestro search <words> [--session] [--provider] [--model] [--role] [--since] [--limit] [--json]`:
 * full-text search over every session (GET /search), best match first. Each hit prints where it
 * is (session, role, model, time), the words around the match with the matching ones highlighted
 * (bold and inverse in a terminal; plain in a pipe), and the ids to open it with.
 */
import type { MessageId, MessageRole, ProviderId, RestClient, SearchHit, SearchQuery, SessionId, SnippetSegment } from "@maestro/protocol";
import { type ExitCode, type Output, reportingApiErrors } from "./output.ts";

/** The most hits the API returns in one page. */
const PAGE_SIZE = 100;
const DEFAULT_LIMIT = 20;

export interface SearchOptions {
  readonly session?: SessionId;
  readonly provider?: ProviderId;
  readonly model?: string;
  readonly role?: MessageRole;
  /** An ISO instant or day: only messages from then on. */
  readonly since?: string;
  readonly limit?: number;
  readonly json?: boolean;
  /** Highlight with terminal escapes (a TTY); otherwise the snippet is plain text. */
  readonly color?: boolean;
}

const HIGHLIGHT_ON = "\x1b[1m\x1b[7m";
const HIGHLIGHT_OFF = "\x1b[27m\x1b[22m";
const DIM_ON = "\x1b[2m";
const DIM_OFF = "\x1b[22m";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since`: a day (2026-12-01), an instant (2026-12-01T09:00:00Z), or a time ago (30m, 12h, 7d,
 * 2w). The instant it means, as ISO 8601, or undefined when it is none of these.
 */
export function sinceInstant(value: string, now = Date.now()): string | undefined {
  const ago = /^(\d+)([mhdw])$/.exec(value.trim());
  if (ago !== null) return new Date(now - Number(ago[1]) * (UNITS[ago[2] ?? "d"] ?? 0)).toISOString();
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return Number.isNaN(Date.parse(value)) ? undefined : value;
  if (/^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

/** Local time to the minute: 2026-11-24 19:00. */
function localTime(iso: string): string {
  const at = new Date(iso);
  const two = (value: number) => String(value).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** The snippet on one line; matching words highlighted when `color`. */
export function snippetText(segments: readonly SnippetSegment[], color: boolean): string {
  return segments
    .map((segment) => {
      const text = segment.text.replace(/\s+/g, " ");
      return segment.hit && color ? `${HIGHLIGHT_ON}${text}${HIGHLIGHT_OFF}` : text;
    })
    .join("")
    .trim();
}

export function hitText(hit: SearchHit, color: boolean): string {
  const dim = (text: string) => (color ? `${DIM_ON}${text}${DIM_OFF}` : text);
  return [
    `${hit.session_title} · ${hit.role} · ${hit.model} · ${localTime(hit.created_at)}`,
    `  ${snippetText(hit.snippet, color)}`,
    dim(`  session ${hit.session_id}  message ${hit.message_id}`),
    "",
  ].join("\n");
}

async function readHits(client: RestClient, q: string, options: SearchOptions): Promise<SearchHit[]> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const query: Partial<SearchQuery> & { q: string } = {
    q,
    session_id: options.session,
    provider: options.provider,
    model: options.model,
    role: options.role,
    from: options.since,
  };
  const hits: SearchHit[] = [];
  let cursor: MessageId | undefined;
  for (;;) {
    const page = await client.search({ ...query, limit: Math.min(PAGE_SIZE, limit - hits.length), cursor });
    hits.push(...page.data);
    // An empty page ends it too, so a cursor that does not move can never loop.
    if (page.next_cursor === null || page.data.length === 0 || hits.length >= limit) break;
    cursor = page.next_cursor;
  }
  return hits;
}

export function searchMessages(client: RestClient, q: string, options: SearchOptions, output: Output): Promise<ExitCode> {
  return reportingApiErrors(output, "search", async () => {
    const hits = await readHits(client, q, options);
    if (options.json === true) {
      output.out(`${JSON.stringify(hits, null, 2)}\n`);
      return 0;
    }
    if (hits.length === 0) {
      output.err(`No messages match "${q}".\n`);
      return 0;
    }
    output.out(hits.map((hit) => hitText(hit, options.color === true)).join("\n"));
    return 0;
  });
}
