/**
 * What `npm run dev` prints of wrangler's and the Worker's output when not `--verbose`: warnings
 * and errors, nothing per request. Hidden: wrangler's banner and bindings table (the dev script
 * prints its own summary), its per-request lines and the Worker's info/debug JSON lines, and the
 * "Scheduled Workers are not automatically triggered" notice (the dev script fires the cron
 * itself). Everything still goes to a test's `onLine`.
 */
import { stripVTControlCharacters } from "node:util";

const NOISE: readonly RegExp[] = [
  /^⛅️ wrangler /,
  /^─+$/,
  /^Using (secrets|vars) defined in /,
  /^Your Worker has access to the following bindings:/,
  /^Binding\s+Resource\s+Mode$/,
  /^env\.[A-Z_]+ /,
  /^⎔ (Starting|Reloading) local server/,
  /^\[wrangler:info\] Ready on /,
  /^\[wrangler:info\] (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /,
];

const SCHEDULED_NOTICE = /Scheduled Workers are not automatically triggered/;
const QUIET_LEVELS = new Set(["debug", "info"]);

/** A filter for one child's lines; it keeps state to drop a multi-line notice whole. */
export function quietWorkerOutput(): (line: string) => boolean {
  let inNotice = false;
  return (raw) => {
    const line = stripVTControlCharacters(raw).trim();
    if (inNotice && raw.startsWith("  ")) return false;
    inNotice = SCHEDULED_NOTICE.test(line);
    if (inNotice) return false;
    if (NOISE.some((pattern) => pattern.test(line))) return false;
    if (line.startsWith("{")) return !QUIET_LEVELS.has(levelOf(line));
    return true;
  };
}

function levelOf(line: string): string {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === "object" && parsed !== null && "level" in parsed ? String(parsed.level) : "";
  } catch {
    return "";
  }
}
