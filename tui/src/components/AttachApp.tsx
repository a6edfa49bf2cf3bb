/**
 * `maestro attach <id>`: one session, full screen and live. The transcript from the shared fold,
 * an approval prompt answered with a key (y once, s for the session, a/A always allow the tool here
 * or everywhere — a standing rule, then this call approved —, n deny), Esc to cancel the
 * turn, a one-line composer with slash commands (/model, which takes any id and says its context
 * window from the model catalog; /tools, /cost, /compact [what to keep], /quit; /unqueue <n>,
 * /qedit <n> <text> and /resume for the messages queued behind the turn; /edit, /regenerate,
 * /branch and /fork on the latest turn — branch-commands.ts), and a status bar
 * with the connection, model, tokens and cost. Reconnects and resumes by itself; a session the
 * server refuses for good (no such session, a refused token) is not retried, and says why.
 */
import {
  type ConnectionState,
  type Credential,
  EMPTY_TRANSCRIPT,
  type Model,
  type RestClient,
  type SessionSocketClient,
  type SessionSocketOptions,
  SessionIdSchema,
  type SocketFailure,
  ToolCallIdSchema,
  type Transcript,
  contextGauge,
} from "@maestro/protocol";
import { Box, Text, useApp, useInput } from "ink";
import { useEffect, useRef, useState } from "react";
import { windowNote } from "../models.ts";
import { branchCommand } from "./branch-commands.ts";
import { QueueLines } from "./QueueLines.tsx";
import { TranscriptLines } from "./TranscriptLines.tsx";

export interface AttachProps {
  readonly client: RestClient;
  readonly sessionId: string;
  readonly openSocket: (options: Omit<SessionSocketOptions, "baseUrl" | "token">) => SessionSocketClient;
}

const CONNECTION_COLOR: Record<ConnectionState, string> = { open: "green", connecting: "yellow", reconnecting: "yellow", closed: "red" };

export function AttachApp({ client, sessionId, openSocket }: AttachProps) {
  const { exit } = useApp();
  const [transcript, setTranscript] = useState<Transcript>(EMPTY_TRANSCRIPT);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [input, setInputState] = useState("");
  // Keys can arrive faster than renders (a paste, a multiplexer): the handler reads the ref.
  const inputRef = useRef("");
  const setInput = (value: string) => {
    inputRef.current = value;
    setInputState(value);
  };
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<SocketFailure | null>(null);
  const socket = useRef<SessionSocketClient | null>(null);
  // The model catalog, asked for the first time /model is used.
  const catalog = useRef<Promise<readonly Model[]> | null>(null);
  // One connection per session shown, whatever function the caller passes on each render.
  const opener = useRef(openSocket);
  opener.current = openSocket;

  useEffect(() => {
    const opened = opener.current({
      sessionId,
      client: "tui",
      onTranscript: setTranscript,
      onState: setConnection,
      onFailure: setFailure,
    });
    socket.current = opened;
    return () => opened.close();
  }, [sessionId]);

  const send: SessionSocketClient["send"] = (frame) => socket.current?.send(frame) ?? false;
  const pending = transcript.pendingApprovals[0];
  const pendingCard = pending === undefined ? undefined : transcript.tools[pending];
  const session = transcript.session;

  const runCommand = (line: string) => {
    const [command, ...rest] = line.slice(1).split(" ");
    const argument = rest.join(" ").trim();
    if (command === "quit") return exit();
    if (command === "model") {
      if (session === null) return setNotice("no session yet");
      if (argument.length > 0 && !send({ type: "configure", changes: { model: argument } })) return setNotice("not connected");
      const said = argument.length === 0 ? `model: ${session.model}` : `switching to ${argument}`;
      const hint = argument.length === 0 ? " (use /model <name> to switch)" : "";
      setNotice(`${said}${hint}`);
      catalog.current ??= client.models.list().then((list) => list.data);
      catalog.current.then(
        (models) => {
          const offered = models.filter((model) => model.provider === session.provider);
          setNotice(`${said} · ${windowNote(offered, argument.length === 0 ? session.model : argument, session.context_window)}${hint}`);
        },
        () => {
          catalog.current = null; // asked again next time
          setNotice(`${said} · context window unknown (the model catalog did not load)${hint}`);
        },
      );
      return undefined;
    }
    if (command === "compact") {
      if (transcript.turn !== null) return setNotice("a turn is running: /compact when it has ended");
      if (!send({ type: "compact", ...(argument.length > 0 && { instructions: argument }) })) return setNotice("not connected");
      return setNotice(`compacting${argument.length > 0 ? `, keeping: ${argument}` : ""}…`);
    }
    if (command === "unqueue" || command === "qedit") {
      const [position = "", ...words] = argument.split(" ");
      const entry = transcript.queue[Number(position) - 1];
      if (entry === undefined) return setNotice(`no queued message ${position}: /${command} <n> takes its number in the queue`);
      const text = words.join(" ").trim();
      if (command === "qedit" && text.length === 0) return setNotice("/qedit <n> <new text>");
      const frame =
        command === "qedit" ? { type: "queue_edit" as const, id: entry.id, text } : { type: "queue_cancel" as const, id: entry.id };
      if (!send(frame)) return setNotice("not connected");
      return setNotice(command === "qedit" ? `queued message ${position} edited` : `queued message ${position} dropped`);
    }
    if (command === "resume") {
      if (transcript.queue.length === 0) return setNotice("nothing is queued");
      if (!send({ type: "queue_resume" })) return setNotice("not connected");
      return setNotice("resuming the queue");
    }
    if (command === "cost") {
      return setNotice(
        session === null
          ? "no session yet"
          : `${session.usage.input_tokens + session.usage.cache_read_tokens} tokens in, ${session.usage.output_tokens} out, $${session.cost_usd.toFixed(4)}`,
      );
    }
    if (command === "tools") {
      client.tools.list().then(
        (tools) =>
          setNotice(
            tools.data
              .filter((tool) => tool.is_enabled)
              .map((tool) => tool.name)
              .join(", "),
          ),
        (error: unknown) => setNotice(`could not list the tools: ${error instanceof Error ? error.message : String(error)}`),
      );
      return undefined;
    }
    const branching = branchCommand(command ?? "", argument, { transcript, send, client });
    if (branching !== undefined) {
      setNotice(branching.notice);
      branching.later?.then(setNotice, setNotice);
      return undefined;
    }
    return setNotice(
      `unknown command /${command ?? ""}: try /model, /tools, /cost, /compact, /edit, /regenerate, /branch, /fork, /unqueue, /qedit, /resume, /quit`,
    );
  };

  useInput((typed, key) => {
    if (key.escape) {
      if (transcript.turn !== null) send({ type: "cancel" });
      return;
    }
    const current = inputRef.current;
    if (pending !== undefined && pendingCard !== undefined && current.length === 0 && (typed === "a" || typed === "A")) {
      const callId = ToolCallIdSchema.parse(pending);
      client.approvalRules
        .create({
          effect: "allow",
          tool: pendingCard.name,
          session_id: typed === "a" ? SessionIdSchema.parse(sessionId) : null,
          note: "from maestro attach",
        })
        .then(
          (rule) => {
            send({ type: "approve", call_id: callId, decision: "approve" });
            setNotice(
              `rule ${rule.id.slice(0, 8)}: always allow ${rule.tool} ${rule.session_id === null ? "everywhere" : "in this session"}`,
            );
          },
          (error: unknown) => setNotice(`could not create the rule: ${error instanceof Error ? error.message : String(error)}`),
        );
      return;
    }
    if (pending !== undefined && current.length === 0 && ["y", "s", "n"].includes(typed)) {
      const decision = typed === "y" ? "approve" : typed === "s" ? "approve_session" : "deny";
      send({ type: "approve", call_id: ToolCallIdSchema.parse(pending), decision });
      return;
    }
    // A paste (or a terminal multiplexer) can deliver text and Enter in one chunk.
    const newline = typed.search(/[\r\n]/);
    if (key.return || newline !== -1) {
      const line = (current + (newline === -1 ? "" : typed.slice(0, newline))).trim();
      setInput("");
      if (line.length === 0) return;
      if (line.startsWith("/")) return runCommand(line);
      if (!send({ type: "send", text: line })) setNotice("not connected: message not sent");
      else setNotice(transcript.turn !== null ? "queued: it runs when this turn ends" : null);
      return;
    }
    if (key.backspace || key.delete) return setInput(current.slice(0, -1));
    if (!key.ctrl && !key.meta && typed.length > 0) setInput(current + typed);
  });

  return (
    <Box flexDirection="column">
      <TranscriptLines transcript={transcript} />
      <QueueLines queue={transcript.queue} paused={transcript.queuePaused} />
      {pendingCard !== undefined && (
        <Box borderStyle="double" borderColor="yellow" paddingX={1}>
          <Text>
            Run <Text bold>{pendingCard.name}</Text> {pendingCard.args === null ? "" : JSON.stringify(pendingCard.args)}?{" "}
            <Text color="green">[y] once</Text> <Text color="cyan">[s] this session</Text> <Text color="cyan">[a] always here</Text>{" "}
            <Text color="cyan">[A] always everywhere</Text> <Text color="red">[n] deny</Text>
          </Text>
        </Box>
      )}
      {notice !== null && <Text color="yellow">{notice}</Text>}
      {Object.values(transcript.credentialNotices).map((credential) => {
        const notice = credentialNotice(credential);
        return notice === null ? null : (
          <Text key={credential.id} color="red">
            {notice}
          </Text>
        );
      })}
      {transcript.lastError !== null && <Text color="red">{transcript.lastError.message}</Text>}
      {failure !== null && <Text color="red">{`Cannot open session ${sessionId}: ${failure.message} (/quit to leave)`}</Text>}
      <Text>
        <Text color="cyan">{"> "}</Text>
        {input}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>
        <Text color={CONNECTION_COLOR[connection]}>● {connection}</Text>
        {session !== null &&
          `  ${session.title} · ${session.provider}/${session.model} · context ${contextGauge(session.context)} · ${session.usage.input_tokens + session.usage.cache_read_tokens} in ${session.usage.output_tokens} out · $${session.cost_usd.toFixed(4)}`}
        {transcript.turn !== null ? "  · Esc cancels" : "  · /quit to leave"}
      </Text>
    </Box>
  );
}

/** What to tell the user about a credential of this session that stopped working, and the fix. */
function credentialNotice(credential: Credential): string | null {
  if (credential.needs_reauth) {
    const fix = credential.provider === "codex" ? ` — run: maestro auth codex --credential ${credential.id}` : "";
    return `${credential.label} needs a new login${fix}`;
  }
  return credential.last_error === null ? null : `${credential.label}: ${credential.last_error}`;
}
