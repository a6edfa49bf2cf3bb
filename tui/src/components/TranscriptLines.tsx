/**
 * The conversation for a terminal, from the shared transcript fold: finished messages printed
 * once through Ink's <Static> (a long transcript neither flickers nor slows down), then the turn
 * in flight; the model's text as terminal markdown, thinking collapsed to one line, tool calls as
 * small cards. What was printed stays printed: each message goes to <Static> exactly once, by id,
 * whatever the transcript does next (a snapshot that replaces the list on a resume included).
 */
import {
  type Message,
  type StoredResult,
  type ToolCard,
  type Transcript,
  stopNotice,
  storedResults,
  storedToolCard,
  toolCardMachine,
} from "@maestro/protocol";
import { Box, Static, Text } from "ink";
import { useLayoutEffect, useRef } from "react";
import { renderMarkdown } from "../markdown.ts";
import { branchMark, compactionNote } from "../message-text.ts";

function ToolCardLine({ card }: { readonly card: ToolCard }) {
  const waiting = card.approval !== null && card.approval.answer === null;
  const state =
    card.result !== null
      ? card.result.ok
        ? "done"
        : (card.result.errorCode ?? "failed")
      : waiting
        ? "waiting for approval"
        : (card.status ?? "running");
  // Waiting for an approval, or for an offline agent to come back ("waiting for laptop (offline)").
  const held = waiting || card.status?.startsWith("waiting for ") === true;
  const color = card.result !== null ? (card.result.ok ? "green" : "red") : held ? "yellow" : "cyan";
  const lastLines = (text: string) => text.trimEnd().split("\n").slice(-6).join("\n");
  const machine = toolCardMachine(card);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      <Text>
        <Text bold>{card.name}</Text> <Text color={color}>{state}</Text>
        {machine !== null && <Text color="magenta"> on {machine}</Text>}
        {card.result !== null && card.result.durationMs > 0 && <Text dimColor> {card.result.durationMs} ms</Text>}
        {card.result !== null && card.result.waitMs > 0 && <Text dimColor> (waited {formatWait(card.result.waitMs)} for approval)</Text>}
      </Text>
      {card.args !== null && <Text dimColor>{JSON.stringify(card.args)}</Text>}
      {card.result === null && card.progress.length > 0 && <Text>{lastLines(card.progress)}</Text>}
      {card.result !== null && <Text color={card.result.ok ? undefined : "red"}>{lastLines(card.result.output)}</Text>}
    </Box>
  );
}

function MessageLines({
  message,
  transcript,
  results,
}: {
  message: Message;
  transcript: Transcript;
  results: ReadonlyMap<string, StoredResult>;
}) {
  if (message.role === "tool") return null;
  if (message.role === "compaction") {
    const part = message.content.find((each) => each.type === "compaction");
    if (part === undefined) return null;
    return (
      <Box marginBottom={1}>
        <Text dimColor>{`── ${compactionNote(part)} ──`}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text>
        <Text bold color={message.role === "user" ? "blue" : "magenta"}>
          {message.role === "user" ? "you" : "model"}
        </Text>
        {/* Which model answered: after a failover or a regenerate with another model, not the session's own. */}
        {message.role === "assistant" && message.provider !== null && <Text dimColor>{` · ${message.provider}/${message.model}`}</Text>}
        {branchMark(message) !== null && <Text color="cyan">{` ${branchMark(message)}`}</Text>}
      </Text>
      {message.content.map((part, index) => {
        if (part.type === "text") return <Text key={index}>{message.role === "user" ? part.text : renderMarkdown(part.text)}</Text>;
        if (part.type === "thinking") return <Text key={index} dimColor>{`▸ thinking (${part.text.length} chars)`}</Text>;
        if (part.type === "redacted_thinking")
          return (
            <Text key={index} dimColor>
              {"▸ thinking (redacted)"}
            </Text>
          );
        if (part.type === "refusal") return <Text key={index} color="yellow">{`declined: ${part.text}`}</Text>;
        if (part.type === "tool_call")
          return <ToolCardLine key={index} card={storedToolCard(transcript, part, results.get(part.call_id))} />;
        return null;
      })}
      {message.role === "assistant" && (message.error ?? stopNotice(message.stop_reason)) !== null && (
        <Text dimColor>{message.error ?? stopNotice(message.stop_reason)}</Text>
      )}
    </Box>
  );
}

/**
 * A message can be printed for good once nothing about it will change: a user message at once
 * (the worker stores it before the turn's first event), the others when their turn is over
 * (until then their tool cards still run).
 */
function isFinal(message: Message, turn: Transcript["turn"]): boolean {
  return message.role === "user" || turn === null || message.turn_id !== turn.turnId;
}

/** A line <Static> prints: a message, or the divider where another branch came into use. */
type PrintItem = { readonly key: string; readonly message: Message } | { readonly key: string; readonly divider: string };

/**
 * Splits the messages into what <Static> has (append-only: printed, plus any final ones not yet
 * printed, in order) and what is still live. <Static> prints by position in its list, so the list
 * must only ever grow at its end; it is kept here, by message id, rather than derived afresh.
 * When another branch comes into use, what the two branches share stays printed; a divider and
 * the new branch's own messages follow.
 */
function usePrintOnce(messages: readonly Message[], turn: Transcript["turn"], branchChanges: number) {
  const printed = useRef<{ readonly items: readonly PrintItem[]; readonly shown: ReadonlySet<string>; readonly branch: number }>({
    items: [],
    shown: new Set(),
    branch: 0,
  });
  let shown = printed.current.shown;
  const fresh: PrintItem[] = [];
  if (branchChanges !== printed.current.branch) {
    const shared = new Set<string>();
    for (const message of messages) {
      if (!shown.has(message.id)) break;
      shared.add(message.id);
    }
    shown = shared;
    fresh.push({ key: `branch-${branchChanges}`, divider: "── switched to another branch ──" });
  }
  const live: Message[] = [];
  for (const message of messages) {
    if (shown.has(message.id)) continue;
    // Behind the first live message, nothing is printed: the printed part stays in order.
    if (live.length === 0 && isFinal(message, turn)) fresh.push({ key: message.id, message });
    else live.push(message);
  }
  const items = fresh.length === 0 ? printed.current.items : [...printed.current.items, ...fresh];
  // Remembered once the render is committed (a render that is thrown away printed nothing).
  useLayoutEffect(() => {
    if (items === printed.current.items) return;
    const ids = fresh.flatMap((item) => ("message" in item ? [item.message.id] : []));
    printed.current = { items, shown: new Set([...shown, ...ids]), branch: branchChanges };
  });
  return { items, live };
}

/**
 * "failed over from X to Y: why", for the turn in flight or the one that just ended: shown below
 * its messages (the answers themselves say which model wrote them, for good).
 */
function FailoverLines({ transcript }: { readonly transcript: Transcript }) {
  const turnId = transcript.turn?.turnId ?? transcript.lastTurn?.turnId;
  return transcript.failovers
    .filter((notice) => notice.turnId === turnId)
    .map((notice, index) => (
      <Text key={index} color="yellow">
        {`↪ failed over from ${notice.from.provider}/${notice.from.model} to ${notice.to.provider}/${notice.to.model}: ${notice.message}`}
      </Text>
    ));
}

/** An approval wait, in the unit a person counts it in. */
function formatWait(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function TranscriptLines({ transcript }: { readonly transcript: Transcript }) {
  const results = storedResults(transcript.messages);
  const turn = transcript.turn;
  const { items, live } = usePrintOnce(transcript.messages, turn, transcript.branchChanges);
  return (
    <Box flexDirection="column">
      <Static items={[...items]}>
        {(item) =>
          "message" in item ? (
            <MessageLines key={item.key} message={item.message} transcript={transcript} results={results} />
          ) : (
            <Box key={item.key} marginBottom={1}>
              <Text color="cyan">{item.divider}</Text>
            </Box>
          )
        }
      </Static>
      {live.map((message) => (
        <MessageLines key={message.id} message={message} transcript={transcript} results={results} />
      ))}
      <FailoverLines transcript={transcript} />
      {turn !== null && (
        <Box flexDirection="column">
          {turn.blocks.map((block, index) => {
            if (block.kind === "text") return <Text key={index}>{renderMarkdown(block.text)}</Text>;
            if (block.kind === "thinking") return <Text key={index} dimColor>{`▸ thinking…`}</Text>;
            if (block.kind === "redacted_thinking")
              return (
                <Text key={index} dimColor>
                  {"▸ thinking (redacted)"}
                </Text>
              );
            if (block.kind === "refusal") return <Text key={index} color="yellow">{`declined: ${block.text}`}</Text>;
            const card = transcript.tools[block.callId];
            return card === undefined ? null : <ToolCardLine key={index} card={card} />;
          })}
          {turn.error !== null && <Text color="red">{turn.error.message}</Text>}
        </Box>
      )}
    </Box>
  );
}
