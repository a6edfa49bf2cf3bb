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
  formatUsd,
} from "@maestro/protocol";
import { Box, Text, useApp, useInput } from "ink";
import { useEffect, useRef, useState } from "react";
import { Composer } from "./Composer.tsx";
import { QueueLines } from "./QueueLines.tsx";
import { type CommandContext, runSlashCommand } from "./slash-commands.ts";
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

  const commandContext: CommandContext = {
    transcript,
    send,
    client,
    catalog,
    say: setNotice,
    later: (answer) => void answer.then(setNotice),
    exit,
  };

  const submit = (line: string) => {
    if (line.startsWith("/")) return runSlashCommand(line, commandContext);
    if (!send({ type: "send", text: line })) setNotice("not connected: message not sent");
    else setNotice(transcript.turn !== null ? "queued: it runs when this turn ends" : null);
  };

  /** `a` / `A`: a standing rule that always allows this tool (here / everywhere), then approve. */
  const alwaysAllow = (callId: string, tool: string, everywhere: boolean) => {
    client.approvalRules
      .create({ effect: "allow", tool, session_id: everywhere ? null : SessionIdSchema.parse(sessionId), note: "from maestro attach" })
      .then(
        (rule) => {
          send({ type: "approve", call_id: ToolCallIdSchema.parse(callId), decision: "approve" });
          setNotice(
            `rule ${rule.id.slice(0, 8)}: always allow ${rule.tool} ${rule.session_id === null ? "everywhere" : "in this session"}`,
          );
        },
        (error: unknown) => setNotice(`could not create the rule: ${error instanceof Error ? error.message : String(error)}`),
      );
  };

  // y, s or n typed into an empty prompt answers the oldest waiting approval; a or A also makes a rule.
  const answerKey = (typed: string): boolean => {
    if (pending === undefined) return false;
    if ((typed === "a" || typed === "A") && pendingCard !== undefined) {
      alwaysAllow(pending, pendingCard.name, typed === "A");
      return true;
    }
    const decision = ({ y: "approve", s: "approve_session", n: "deny" } as const)[typed];
    if (decision === undefined) return false;
    send({ type: "approve", call_id: ToolCallIdSchema.parse(pending), decision });
    return true;
  };

  useInput((_typed, key) => {
    if (key.escape && transcript.turn !== null) send({ type: "cancel" });
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
      <Composer
        onSubmit={submit}
        onAnswerKey={answerKey}
        // A session that slept reads what the message's turn needs while it is typed (`prepare`).
        onWriting={transcript.turn === null ? () => void send({ type: "prepare" }) : undefined}
      />
      <Text dimColor>
        <Text color={CONNECTION_COLOR[connection]}>● {connection}</Text>
        {session !== null &&
          `  ${session.title} · ${session.provider}/${session.model}${machinesNote(session.agents)} · context ${contextGauge(session.context)} · ${session.usage.input_tokens + session.usage.cache_read_tokens} in ${session.usage.output_tokens} out · ${formatUsd(session.cost_usd)}`}
        {transcript.turn !== null ? "  · Esc cancels" : "  · /quit to leave"}
      </Text>
    </Box>
  );
}

/** The machines the session's tools run on, for the status line; nothing when none is bound. */
function machinesNote(agents: readonly string[]): string {
  return agents.length === 0 ? "" : ` · on ${agents.join(", ")}`;
}

/** What to tell the user about a credential of this session that stopped working, and the fix. */
function credentialNotice(credential: Credential): string | null {
  if (credential.needs_reauth) {
    const fix = credential.provider === "codex" ? ` — run: maestro auth codex --credential ${credential.id}` : "";
    return `${credential.label} needs a new login${fix}`;
  }
  return credential.last_error === null ? null : `${credential.label}: ${credential.last_error}`;
}
