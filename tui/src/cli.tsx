/**
 * `maestro`: the terminal client of The Maestro's public API and session socket.
 *   maestro login <url> | auth codex | sessions | new [...] | attach <id> | send <id> "text" | usage
 */
import { parseArgs } from "node:util";
import { CredentialIdSchema, SessionFeedClient, SessionSocketClient } from "@maestro/protocol";
import { render } from "ink";
import { openBrowser } from "./auth/open-browser.ts";
import { codexLogin } from "./commands/codex-login.ts";
import { connect } from "./commands/connect.ts";
import { login } from "./commands/login.ts";
import { newSession } from "./commands/new-session.ts";
import { type ExitCode, processOutput } from "./commands/output.ts";
import { sendMessage } from "./commands/send.ts";
import { listSessions, showUsage, watchSessions } from "./commands/sessions.ts";
import { AttachApp } from "./components/AttachApp.tsx";

const HELP: Record<string, string> = {
  "": `maestro: The Maestro in your terminal

  maestro login <url>          sign in (asks for the API token; kept in ~/.config/maestro, mode 0600)
  maestro auth codex           add a ChatGPT subscription (Codex) credential; unofficial
  maestro sessions [--watch]   list sessions (live with --watch)
  maestro new [options]        start a session (--template, or --provider --model --credential; --title)
  maestro attach <id>          open a session full screen, live
  maestro send <id> "text"     send a message and stream the answer to stdout (for scripts)
  maestro usage                tokens and cost by provider and model

  maestro <command> --help     more about one command`,
  login: "maestro login <url>\n\n  Asks for the API token (not echoed), checks it, and saves it with mode 0600.",
  auth: [
    "maestro auth codex [--paste | --device] [--label <text>] [--credential <id>] [--port <n>] [--no-browser]",
    "",
    "  Signs in with a ChatGPT subscription (Codex) and stores it as a credential; prints its id.",
    "  Unofficial: it signs in the way the Codex CLI does, presenting its public client (as llxprt does).",
    "",
    "  By default it opens the sign-in page and listens on localhost:1455 for the browser to come back.",
    "  --paste        print the link, then read back the address the browser ended on (a browser elsewhere)",
    "  --device       a code to enter on OpenAI's device page (no browser can come back to this machine)",
    "  --credential   sign in again for this credential (one that needs a new login)",
  ].join("\n"),
  sessions:
    "maestro sessions [--watch]\n\n  Lists sessions: id, title, model, status, who is watching, cost.\n  --watch keeps the list on screen, updated as sessions change, until Ctrl-C.",
  new: "maestro new [--template <id>] [--provider <id>] [--model <name>] [--credential <id or label>] [--title <text>]\n\n  Prints the new session's id.",
  attach:
    "maestro attach <id>\n\n  Full screen, live. Enter sends; y/s/n answer an approval; Esc cancels the turn;\n  /model <name>, /tools, /cost, /quit.",
  send: 'maestro send <id> "text"\n\n  Streams the answer to stdout; tool calls and errors go to stderr.\n  Exits 0 when the turn completed, 1 otherwise.',
  usage: "maestro usage\n\n  Tokens and cost by provider and model.",
};

async function main(argv: string[]): Promise<ExitCode> {
  const [command = "", ...rest] = argv;
  if (command === "" || command === "--help" || command === "-h" || rest.includes("--help") || rest.includes("-h")) {
    processOutput.out(`${HELP[command.startsWith("-") ? "" : command] ?? HELP[""] ?? ""}\n`);
    return command === "" ? 2 : 0;
  }
  if (command === "login") return login(rest[0], processOutput);
  if (!(command in HELP)) {
    processOutput.err(`Unknown command "${command}".\n\n${HELP[""] ?? ""}\n`);
    return 2;
  }
  const connected = await connect();
  if (!connected.ok) {
    processOutput.err(`${connected.reason}\n`);
    return 2;
  }
  const { client, config } = connected;
  switch (command) {
    case "auth": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          paste: { type: "boolean", default: false },
          device: { type: "boolean", default: false },
          label: { type: "string" },
          credential: { type: "string" },
          port: { type: "string" },
          "no-browser": { type: "boolean", default: false },
        },
      });
      const credentialId = values.credential === undefined ? undefined : CredentialIdSchema.safeParse(values.credential);
      if (positionals[0] !== "codex" || (values.paste && values.device) || credentialId?.success === false) {
        processOutput.err(`${credentialId?.success === false ? "--credential takes a credential id.\n\n" : ""}${HELP.auth ?? ""}\n`);
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
        processOutput,
      );
    }
    case "sessions": {
      if (!rest.includes("--watch")) return listSessions(client, processOutput);
      const stop = new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      const openFeed = (handlers: { onChange: () => void; onOpen: () => void }) =>
        new SessionFeedClient({ baseUrl: config.url, token: config.token, ...handlers });
      return watchSessions(client, openFeed, processOutput, { redraw: process.stdout.isTTY, stop });
    }
    case "usage":
      return showUsage(client, processOutput);
    case "new": {
      const { values } = parseArgs({
        args: rest,
        options: {
          template: { type: "string" },
          provider: { type: "string" },
          model: { type: "string" },
          credential: { type: "string" },
          title: { type: "string" },
        },
      });
      return newSession(client, values, processOutput);
    }
    case "send": {
      const [sessionId, ...words] = rest;
      if (sessionId === undefined || words.length === 0) {
        processOutput.err(`${HELP.send ?? ""}\n`);
        return 2;
      }
      return sendMessage(config, sessionId, words.join(" "), processOutput, (options) => new SessionSocketClient(options));
    }
    case "attach": {
      const sessionId = rest[0];
      if (sessionId === undefined) {
        processOutput.err(`${HELP.attach ?? ""}\n`);
        return 2;
      }
      const app = render(
        <AttachApp
          client={client}
          sessionId={sessionId}
          openSocket={(options) => new SessionSocketClient({ ...options, baseUrl: config.url, token: config.token })}
        />,
        // Ink turns live rendering off whenever CI is set (is-in-ci); a person at a terminal is
        // interactive whatever the environment says, so the terminal decides.
        { interactive: process.stdout.isTTY === true },
      );
      await app.waitUntilExit();
      return 0;
    }
    default:
      processOutput.err(`Unknown command "${command}".\n\n${HELP[""] ?? ""}\n`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
