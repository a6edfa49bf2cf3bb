/**
 * `maestro`'s command line: reads the arguments, answers --help, loads the saved login and hands
 * over to the command. Returns the exit code; cli.tsx is the entry that sets it.
 */
import { parseArgs } from "node:util";
import {
  CredentialIdSchema,
  MessageRoleSchema,
  ProviderIdSchema,
  SessionFeedClient,
  SessionIdSchema,
  SessionSocketClient,
} from "@maestro/protocol";
import { openBrowser } from "./auth/open-browser.ts";
import { answerApproval, isAnswerVerb, listApprovals } from "./commands/approvals.ts";
import { attach } from "./commands/attach.ts";
import { codexLogin } from "./commands/codex-login.ts";
import { connect } from "./commands/connect.ts";
import { showHistory } from "./commands/history.ts";
import { login } from "./commands/login.ts";
import { listModels } from "./commands/models.ts";
import { newSession } from "./commands/new-session.ts";
import type { ExitCode, Output } from "./commands/output.ts";
import { searchMessages, sinceInstant } from "./commands/search.ts";
import { sendMessage } from "./commands/send.ts";
import { listSessions, showUsage, watchSessions } from "./commands/sessions.ts";
import { exportToFile, importFromFile } from "./commands/transfer.ts";
import { fileIo } from "./commands/file-io.ts";
import { type Command, HELP, OPTIONS, OVERVIEW, isCommand } from "./help.ts";

export async function main(argv: readonly string[], output: Output): Promise<ExitCode> {
  const [command = "", ...rest] = argv;
  if (command === "" || command === "--help" || command === "-h" || rest.includes("--help") || rest.includes("-h")) {
    output.out(`${isCommand(command) ? HELP[command] : OVERVIEW}\n`);
    return command === "" ? 2 : 0;
  }
  if (!isCommand(command)) {
    output.err(`Unknown command "${command}".\n\n${OVERVIEW}\n`);
    return 2;
  }
  try {
    return await run(command, [...rest], output);
  } catch (error) {
    // parseArgs refuses an option the command does not take, or one without its value.
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      output.err(`${error.message}\n\n${HELP[command]}\n`);
      return 2;
    }
    throw error;
  }
}

async function run(command: Command, rest: string[], output: Output): Promise<ExitCode> {
  if (command === "login") return login(rest[0], output);
  const connected = await connect();
  if (!connected.ok) {
    output.err(`${connected.reason}\n`);
    return 2;
  }
  const { client, config } = connected;
  switch (command) {
    case "auth": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.auth });
      const credentialId = values.credential === undefined ? undefined : CredentialIdSchema.safeParse(values.credential);
      if (positionals[0] !== "codex" || (values.paste && values.device) || credentialId?.success === false) {
        output.err(`${credentialId?.success === false ? "--credential takes a credential id.\n\n" : ""}${HELP.auth}\n`);
        return 2;
      }
      return codexLogin(
        client,
        {
          mode: values.device ? "device" : values.paste ? "paste" : "loopback",
          label: values.label,
          credentialId: credentialId?.data,
          port: values.port === undefined ? undefined : Number(values.port),
          openBrowser: values["no-browser"] || process.stdout.isTTY !== true ? undefined : openBrowser,
        },
        output,
      );
    }
    case "sessions": {
      const { values } = parseArgs({ args: rest, options: OPTIONS.sessions });
      if (!values.watch) return listSessions(client, output);
      const stop = new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      const openFeed = (handlers: { onChange: () => void; onOpen: () => void }) =>
        new SessionFeedClient({ baseUrl: config.url, token: config.token, ...handlers });
      return watchSessions(client, openFeed, output, { redraw: process.stdout.isTTY, stop });
    }
    case "approvals": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.approvals });
      if (positionals.length === 0 && values.reason === undefined) return listApprovals(client, output);
      const [verb = "", which] = positionals;
      if (!isAnswerVerb(verb) || which === undefined || positionals.length !== 2) {
        output.err(`${HELP.approvals}\n`);
        return 2;
      }
      return answerApproval(client, verb, which, values.reason, output);
    }
    case "usage":
      return showUsage(client, output);
    case "models": {
      const { values } = parseArgs({ args: rest, options: OPTIONS.models });
      const provider = values.provider === undefined ? undefined : ProviderIdSchema.safeParse(values.provider);
      if (provider?.success === false) {
        output.err(`Unknown provider "${values.provider}".\n\n${HELP.models}\n`);
        return 2;
      }
      return listModels(client, provider?.data, output);
    }
    case "new": {
      const { values } = parseArgs({ args: rest, options: OPTIONS.new });
      return newSession(client, values, output);
    }
    case "send": {
      const [sessionId, ...words] = rest;
      if (sessionId === undefined || words.length === 0) {
        output.err(`${HELP.send}\n`);
        return 2;
      }
      return sendMessage(config, sessionId, words.join(" "), output, (options) => new SessionSocketClient(options));
    }
    case "history": {
      const args = historyArgs(rest);
      if (!args.ok) {
        output.err(`${args.problem}${HELP.history}\n`);
        return 2;
      }
      return showHistory(client, args.sessionId, args.options, output);
    }
    case "export": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.export });
      const sessionId = SessionIdSchema.safeParse(positionals[0]);
      if (positionals.length !== 1 || !sessionId.success || (values.format !== "md" && values.format !== "json")) {
        const problem = positionals.length === 1 && !sessionId.success ? `"${positionals[0]}" is not a session id.\n\n` : "";
        output.err(`${problem}${HELP.export}\n`);
        return 2;
      }
      return exportToFile(client, sessionId.data, { format: values.format, out: values.out, raw: values.raw }, output, fileIo);
    }
    case "import": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.import });
      const [path] = positionals;
      if (path === undefined || positionals.length !== 1) {
        output.err(`${HELP.import}\n`);
        return 2;
      }
      return importFromFile(client, path, values, output, fileIo);
    }
    case "search": {
      const args = searchArgs(rest);
      if (!args.ok) {
        output.err(`${args.problem}${HELP.search}\n`);
        return 2;
      }
      return searchMessages(client, args.q, { ...args.options, color: process.stdout.isTTY === true && !process.env.NO_COLOR }, output);
    }
    case "attach": {
      const sessionId = rest[0];
      if (sessionId === undefined) {
        output.err(`${HELP.attach}\n`);
        return 2;
      }
      return attach(client, config, sessionId);
    }
  }
}

/** `history`'s arguments, or what is wrong with them (before its usage; empty when the usage says it all). */
function historyArgs(rest: string[]) {
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.history });
  const sessionId = SessionIdSchema.safeParse(positionals[0]);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (positionals.length !== 1) return { ok: false, problem: "" } as const;
  if (!sessionId.success)
    return { ok: false, problem: `"${positionals[0]}" is not a session id (\`maestro sessions\` lists them).\n\n` } as const;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    return { ok: false, problem: "--limit takes a whole number, 1 or more.\n\n" } as const;
  // The API refuses an empty search; said here, with the usage, rather than as a server error.
  if (values.search?.trim() === "") return { ok: false, problem: "--search takes some text.\n\n" } as const;
  return { ok: true, sessionId: sessionId.data, options: { search: values.search, limit, json: values.json } } as const;
}

/** `search`'s arguments, or what is wrong with them (before its usage). */
function searchArgs(rest: string[]) {
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.search });
  const q = positionals.join(" ").trim();
  const session = values.session === undefined ? undefined : SessionIdSchema.safeParse(values.session);
  const provider = values.provider === undefined ? undefined : ProviderIdSchema.safeParse(values.provider);
  const role = values.role === undefined ? undefined : MessageRoleSchema.safeParse(values.role);
  const since = values.since === undefined ? undefined : sinceInstant(values.since);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (q === "") return { ok: false, problem: "" } as const;
  if (session?.success === false) return { ok: false, problem: `"${values.session}" is not a session id.\n\n` } as const;
  if (provider?.success === false) return { ok: false, problem: `Unknown provider "${values.provider}".\n\n` } as const;
  if (role?.success === false) return { ok: false, problem: `Unknown role "${values.role}".\n\n` } as const;
  if (values.since !== undefined && since === undefined)
    return { ok: false, problem: `--since takes a day (2026-12-01), an instant or a time ago (7d); not "${values.since}".\n\n` } as const;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    return { ok: false, problem: "--limit takes a whole number, 1 or more.\n\n" } as const;
  return {
    ok: true,
    q,
    options: {
      session: session?.data,
      provider: provider?.data,
      model: values.model,
      role: role?.data,
      since,
      limit,
      json: values.json,
    },
  } as const;
}
