/**
 * The attach view's slash commands, as a table: each has a name, a usage line and a summary (what
 * `/help`, the hint under the composer and an unknown command's answer list) and what it does.
 * A command reports back through `say` (now) and `later` (when an answer arrives).
 */
import { type Model, type RestClient, type SessionSocketClient, type Transcript, formatUsd } from "@maestro/protocol";
import { windowNote } from "../models.ts";
import { branchCommand } from "./branch-commands.ts";

export interface CommandContext {
  readonly transcript: Transcript;
  readonly send: SessionSocketClient["send"];
  readonly client: RestClient;
  /** The model catalog, asked for the first time /model needs it and kept. */
  readonly catalog: { current: Promise<readonly Model[]> | null };
  say(notice: string): void;
  later(answer: Promise<string>): void;
  exit(): void;
}

export interface SlashCommand {
  readonly name: string;
  /** The arguments, as `/help` shows them after the name. */
  readonly usage: string;
  readonly summary: string;
  run(argument: string, context: CommandContext): void;
}

function model(argument: string, context: CommandContext): void {
  const session = context.transcript.session;
  if (session === null) return context.say("no session yet");
  if (argument.length > 0 && !context.send({ type: "configure", changes: { model: argument } })) return context.say("not connected");
  const said = argument.length === 0 ? `model: ${session.model}` : `switching to ${argument}`;
  const hint = argument.length === 0 ? " (use /model <name> to switch)" : "";
  context.say(`${said}${hint}`);
  context.catalog.current ??= context.client.models.list().then((list) => list.data);
  context.later(
    context.catalog.current.then(
      (models) => {
        const offered = models.filter((entry) => entry.provider === session.provider);
        return `${said} · ${windowNote(offered, argument.length === 0 ? session.model : argument, session.context_window)}${hint}`;
      },
      () => {
        context.catalog.current = null; // asked again next time
        return `${said} · context window unknown (the model catalog did not load)${hint}`;
      },
    ),
  );
}

function compact(argument: string, context: CommandContext): void {
  if (context.transcript.turn !== null) return context.say("a turn is running: /compact when it has ended");
  if (!context.send({ type: "compact", ...(argument.length > 0 && { instructions: argument }) })) return context.say("not connected");
  context.say(`compacting${argument.length > 0 ? `, keeping: ${argument}` : ""}…`);
}

/** /unqueue <n> and /qedit <n> <text>: the queue entry by its number as shown. */
function queueEntry(command: "unqueue" | "qedit") {
  return (argument: string, context: CommandContext): void => {
    const [position = "", ...words] = argument.split(" ");
    const entry = context.transcript.queue[Number(position) - 1];
    if (entry === undefined) return context.say(`no queued message ${position}: /${command} <n> takes its number in the queue`);
    const text = words.join(" ").trim();
    if (command === "qedit" && text.length === 0) return context.say("/qedit <n> <new text>");
    const frame =
      command === "qedit" ? { type: "queue_edit" as const, id: entry.id, text } : { type: "queue_cancel" as const, id: entry.id };
    if (!context.send(frame)) return context.say("not connected");
    context.say(command === "qedit" ? `queued message ${position} edited` : `queued message ${position} dropped`);
  };
}

function tools(_argument: string, context: CommandContext): void {
  context.later(
    context.client.tools.list().then(
      (list) =>
        list.data
          .filter((tool) => tool.is_enabled)
          .map((tool) => tool.name)
          .join(", "),
      (error: unknown) => `could not list the tools: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
}

/** The branch commands live in branch-commands.ts; this runs one and reports both answers. */
function branching(name: string) {
  return (argument: string, context: CommandContext): void => {
    const outcome = branchCommand(name, argument, context);
    if (outcome === undefined) return;
    context.say(outcome.notice);
    if (outcome.later !== undefined) context.later(outcome.later);
  };
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "model", usage: "[<model>]", summary: "show the model and its context window, or switch", run: model },
  { name: "tools", usage: "", summary: "list the enabled tools", run: tools },
  {
    name: "cost",
    usage: "",
    summary: "tokens and cost so far",
    run: (_argument, context) => {
      const session = context.transcript.session;
      if (session === null) return context.say("no session yet");
      const { usage } = session;
      context.say(`${usage.input_tokens + usage.cache_read_tokens} tokens in, ${usage.output_tokens} out, ${formatUsd(session.cost_usd)}`);
    },
  },
  { name: "compact", usage: "[<what to keep>]", summary: "summarise older turns to make room", run: compact },
  { name: "edit", usage: "<new text>", summary: "replace the last message you sent (a new branch)", run: branching("edit") },
  { name: "regenerate", usage: "[<provider> <model>]", summary: "answer the last message again", run: branching("regenerate") },
  { name: "branch", usage: "prev|next", summary: "switch between the alternatives of a message", run: branching("branch") },
  { name: "fork", usage: "[<title>]", summary: "copy the conversation into a new session", run: branching("fork") },
  { name: "unqueue", usage: "<n>", summary: "drop queued message n", run: queueEntry("unqueue") },
  { name: "qedit", usage: "<n> <new text>", summary: "change queued message n", run: queueEntry("qedit") },
  {
    name: "resume",
    usage: "",
    summary: "run the paused queue",
    run: (_argument, context) => {
      if (context.transcript.queue.length === 0) return context.say("nothing is queued");
      if (!context.send({ type: "queue_resume" })) return context.say("not connected");
      context.say("resuming the queue");
    },
  },
  {
    name: "help",
    usage: "",
    summary: "this list",
    run: (_argument, context) => context.say(SLASH_COMMANDS.map((command) => `/${describe(command)}`).join("\n")),
  },
  { name: "quit", usage: "", summary: "leave (the session keeps running)", run: (_argument, context) => context.exit() },
];

function describe(command: SlashCommand): string {
  return `${command.name}${command.usage.length > 0 ? ` ${command.usage}` : ""} — ${command.summary}`;
}

/** The commands whose name starts with what is typed after the slash (all of them for a bare "/"). */
export function matchingCommands(typed: string): readonly SlashCommand[] {
  if (!typed.startsWith("/") || typed.includes(" ")) return [];
  const prefix = typed.slice(1);
  return SLASH_COMMANDS.filter((command) => command.name.startsWith(prefix));
}

/** Runs `/name argument…`; an unknown name is answered with the list of known ones. */
export function runSlashCommand(line: string, context: CommandContext): void {
  const [name = "", ...rest] = line.slice(1).split(" ");
  const command = SLASH_COMMANDS.find((entry) => entry.name === name);
  if (command === undefined) {
    return context.say(`unknown command /${name}: try ${SLASH_COMMANDS.map((entry) => `/${entry.name}`).join(", ")}`);
  }
  command.run(rest.join(" ").trim(), context);
}

export const commandHint = (command: SlashCommand) => `/${describe(command)}`;
