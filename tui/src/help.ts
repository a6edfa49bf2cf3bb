/**
 * What `maestro` says about itself: the usage of every command, and the options each one parses.
 * The options live here next to the text so a test can hold the two together (every option a
 * command accepts is named in its --help).
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { CONNECT_LIMIT_MS } from "./commands/send.ts";

export const COMMANDS = [
  "login",
  "auth",
  "sessions",
  "approvals",
  "new",
  "attach",
  "send",
  "usage",
  "models",
  "history",
  "search",
  "export",
  "import",
] as const;
export type Command = (typeof COMMANDS)[number];

/** The options of the commands that take any, as `node:util` parseArgs reads them. */
export const OPTIONS = {
  auth: {
    paste: { type: "boolean", default: false },
    device: { type: "boolean", default: false },
    label: { type: "string" },
    credential: { type: "string" },
    port: { type: "string" },
    "no-browser": { type: "boolean", default: false },
  },
  sessions: { watch: { type: "boolean", default: false } },
  approvals: { reason: { type: "string" } },
  new: {
    template: { type: "string" },
    provider: { type: "string" },
    model: { type: "string" },
    credential: { type: "string" },
    title: { type: "string" },
    fallback: { type: "string", multiple: true },
    agent: { type: "string", multiple: true },
  },
  models: { provider: { type: "string" } },
  history: {
    search: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean", default: false },
  },
  search: {
    session: { type: "string" },
    provider: { type: "string" },
    model: { type: "string" },
    role: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean", default: false },
  },
  export: {
    format: { type: "string", default: "md" },
    out: { type: "string" },
    raw: { type: "boolean", default: false },
  },
  import: {
    provider: { type: "string" },
    model: { type: "string" },
    credential: { type: "string" },
    title: { type: "string" },
  },
} as const satisfies Partial<Record<Command, ParseArgsOptionsConfig>>;

export const OVERVIEW = `maestro: The Maestro in your terminal

  maestro login <url>          sign in (asks for the API token; kept in ~/.config/maestro, mode 0600)
  maestro auth codex           add a ChatGPT subscription (Codex) credential; unofficial
  maestro sessions [--watch]   list sessions (live with --watch)
  maestro approvals            every tool call waiting for your answer, across sessions; answer one
  maestro new [options]        start a session (--template, or --provider --model --credential; --title)
  maestro attach <id>          open a session full screen, live
  maestro send <id> "text"     send a message and stream the answer to stdout (for scripts)
  maestro history <id>         a session's whole history, oldest first (--search, --limit, --json)
  maestro export <id>          a session as Markdown or lossless JSON (--format md|json, --out file)
  maestro import <file|->      a new session from a JSON export or an OpenAI-style messages list
  maestro search <words>       search every session's messages, best match first
  maestro usage                tokens and cost by provider and model
  maestro models [--provider]  the models on offer: context window, output limit, prices

  maestro <command> --help     more about one command`;

export const HELP: Record<Command, string> = {
  login: "maestro login <url>\n\n  Asks for the API token (not echoed; or piped on stdin), checks it, and saves it with mode 0600.",
  auth: [
    "maestro auth codex [--paste | --device] [--label <text>] [--credential <id>] [--port <n>] [--no-browser]",
    "",
    "  Signs in with a ChatGPT subscription (Codex) and stores it as a credential; prints its id.",
    "  Unofficial: it signs in the way the Codex CLI does, presenting its public client (as llxprt does).",
    "",
    "  By default it opens the sign-in page and listens on localhost:1455 for the browser to come back.",
    "  --paste        print the link, then read back the address the browser ended on (a browser elsewhere)",
    "  --device       a code to enter on OpenAI's device page (no browser can come back to this machine)",
    "  --label        the new credential's label",
    "  --credential   sign in again for this credential (one that needs a new login)",
    "  --port         the loopback port (default 1455, the one OpenAI accepts)",
    "  --no-browser   only print the link; do not open a browser",
  ].join("\n"),
  sessions:
    "maestro sessions [--watch]\n\n  Lists sessions: id, title, model, status, who is watching, cost.\n  --watch keeps the list on screen, updated as sessions change, until Ctrl-C.",
  approvals: [
    "maestro approvals",
    "maestro approvals approve|approve-session|deny <n or call id> [--reason <text>]",
    "",
    "  Lists every tool call waiting for an answer, in every session, oldest first: its number, session,",
    "  tool, arguments, machine, how long ago it asked, and its call id. Then answers one, by its number",
    "  in that list (read again when you answer) or by its call id.",
    "  approve          run it, this once",
    "  approve-session  run it, and this tool's later calls in that session without asking",
    "  deny             do not run it; the model is told (with --reason, why)",
    "",
    "  Standing rules (always allow or deny a tool, a command pattern, a path) are made in the web",
    "  UI's Approvals page or with the API (/approval-rules).",
    "  Exits 1 when nothing with that number or id is waiting, or the server refuses.",
  ].join("\n"),
  new: [
    "maestro new [--template <id>] [--provider <id>] [--model <name>] [--credential <id or label>] [--title <text>]",
    "            [--fallback <model>=<credential id or label> ...] [--agent <name> ...]",
    "",
    "  Starts a session and prints its id.",
    "  --template     start from this template (by id)",
    "  --provider     anthropic, openai, openai_responses, codex or gemini (default: the credential's)",
    "  --model        the model's name",
    "  --credential   the credential to use, by id or label (default: the first usable one)",
    "  --title        the session's title",
    "  --fallback     a model to go on with when the session's fails for good (overloaded, a refused key),",
    "                 on that credential's provider; repeat it for more, tried in order",
    "  --agent        the local agent (machine) its tools run on, by name; repeat it for several, the first",
    "                 is the default (default: the template's, or the connected agent seen most recently)",
  ].join("\n"),
  attach:
    "maestro attach <id>\n\n  Full screen, live. Enter sends; y/s/n answer an approval (a/A: always allow the tool here/everywhere); Esc cancels the turn;\n  /model <name> (any id; says its context window), /tools, /cost,\n  /compact [what to keep] (prune old tool output, summarise older turns), /quit.\n  Branches: /edit <text> sends new text in place of your last message, /regenerate [<provider> <model>]\n  answers it again, /branch prev|next switches between alternatives, /fork [title] copies the\n  conversation into a new session.\n  A message sent while a turn runs is queued (shown under the transcript) and runs when it ends:\n  /qedit <n> <text> and /unqueue <n> change it before it starts; /resume restarts a queue that paused\n  after a cancelled or failed turn.",
  send: [
    'maestro send <id> "text"',
    "",
    "  Streams the answer to stdout; tool calls and errors go to stderr. While another turn runs the",
    "  message waits in the session's queue and runs after it (exit 1 if someone cancels it first).",
    "  Exits 0 when the turn completed, 1 otherwise: also at once when there is no such session or the",
    `  token is refused, and when no connection to the server comes within ${CONNECT_LIMIT_MS / 1000} s (first, or after a drop).`,
  ].join("\n"),
  usage: "maestro usage\n\n  Tokens and cost by provider and model, with the total.",
  models: [
    "maestro models [--provider <id>]",
    "",
    "  Lists the model catalog: each model's context window, output limit, prices (US dollars per",
    "  million tokens: input, output, cache read, cache write) and what it can do.",
    "  --provider     only this provider's: anthropic, openai, openai_responses, codex or gemini",
    "",
    "  Any other model id works too (an OpenAI-compatible server serves its own); its window is then unknown.",
  ].join("\n"),
  history: [
    "maestro history <id> [--search <text>] [--limit <n>] [--json]",
    "",
    "  Prints a session's stored messages, oldest first: all of them, however long the session",
    "  (`maestro attach` shows only the last ones). Long tool outputs are cut to their first lines.",
    "  --search       only the messages that contain this text (any case): what was said, thinking,",
    "                 tool names, arguments and outputs, compaction summaries",
    "  --limit        only the newest n messages (of the matches, with --search)",
    "  --json         the messages as a JSON array, oldest first, in full (for scripts)",
    "",
    "  Exits 1 when there is no such session or the server refuses.",
  ].join("\n"),
  export: [
    "maestro export <id> [--format md|json] [--out <file>] [--raw]",
    "",
    "  Writes a session to stdout (or a file).",
    "  --format       md: the branch in use as a readable transcript, tool calls and thinking folded (default);",
    "                 json: everything, losslessly: every branch, tool calls and results, usage, cost, settings",
    "                 (`maestro import` takes it back)",
    "  --out          write to this file instead of stdout",
    "  --raw          json only: also what was sent to the provider and what came back (large)",
  ].join("\n"),
  import: [
    "maestro import <file|-> [--provider <id>] [--model <name>] [--credential <id or label>] [--title <text>]",
    "",
    "  Creates a session from a file (- reads stdin) and prints its id. The file is a `maestro export",
    '  --format json`, or an OpenAI-style conversation: {"messages": [...], "model": ...} or the bare list',
    "  (system messages become the system prompt; tool calls and results are kept).",
    "  --provider     the new session's provider (default: the file's; openai for an OpenAI list)",
    "  --model        its model (default: the file's; required when an OpenAI list names none)",
    "  --credential   the credential to use, by id or label (default: the file's when it exists here)",
    "  --title        its title (default: the file's, or the first thing said)",
  ].join("\n"),
  search: [
    "maestro search <words> [--session <id>] [--provider <id>] [--model <name>] [--role <role>] [--since <when>] [--limit <n>] [--json]",
    "",
    "  Searches every session's messages (what was said, thinking, tool calls and their output,",
    '  summaries), best match first. Words match by their stem ("running" finds "run"); "an exact',
    '  phrase" in quotes, -word to leave out, "or" between alternatives. Each hit shows its session,',
    "  role, model and time, the words around the match (highlighted), and the session and message ids",
    "  (`maestro history <session>` reads the session).",
    "  --session      only this session's messages",
    "  --provider     only anthropic, openai, openai_responses, codex or gemini",
    "  --model        only this model (the user's messages count as their session's model)",
    "  --role         only user, assistant, tool or compaction messages",
    "  --since        only messages since a day (2026-12-01), an instant, or a time ago (30m, 12h, 7d, 2w)",
    "  --limit        at most n hits (default 20)",
    "  --json         the hits as a JSON array, with their snippets as segments (for scripts)",
    "",
    '  Exits 1 when the server refuses (a query of only common words such as "the" is refused).',
  ].join("\n"),
};

export const isCommand = (name: string): name is Command => (COMMANDS as readonly string[]).includes(name);
