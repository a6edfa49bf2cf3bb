/**
 * The conversation for a terminal, from the shared transcript fold: finished messages printed
 * once through Ink's <Static> (a long transcript neither flickers nor slows down), then the turn
 * in flight; the model's text as terminal markdown, thinking collapsed to one line, tool calls as
 * small cards. What was printed stays printed: each message goes to <Static> exactly once, by id,
 * whatever the transcript does next (a snapshot that replaces the list on a resume included).
 */
import { type ContentPart, type Message, type ToolCard, type Transcript, stopNotice, storedToolCard } from "@maestro/protocol";
import { Box, Static, Text } from "ink";
import { useLayoutEffect, useRef } from "react";
import { renderMarkdown } from "../markdown.ts";
import { compactionNote } from "../message-text.ts";

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
  const color = card.result !== null ? (card.result.ok ? "green" : "red") : waiting ? "yellow" : "cyan";
  const lastLines = (text: string) => text.trimEnd().split("\n").slice(-6).join("\n");
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      <Text>
        <Text bold>{card.name}</Text> <Text color={color}>{state}</Text>
        {card.result !== null && card.result.durationMs > 0 && <Text dimColor> {card.result.durationMs} ms</Text>}
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
  results: Map<string, Extract<ContentPart, { type: "tool_result" }>>;
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
      <Text bold color={message.role === "user" ? "blue" : "magenta"}>
        {message.role === "user" ? "you" : "model"}
        {/* Which model answered: after a failover, not the session's own. */}
        {message.role === "assistant" && message.provider !== null && <Text dimColor>{` · ${message.provider}/${message.model}`}</Text>}
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

/**
 * Splits the messages into what <Static> has (append-only: printed, plus any final ones not yet
 * printed, in order) and what is still live. <Static> prints by position in its list, so the list
 * must only ever grow at its end; it is kept here, by message id, rather than derived afresh.
 */
function usePrintOnce(messages: readonly Message[], turn: Transcript["turn"]) {
  const printed = useRef<{ readonly items: readonly Message[]; readonly ids: ReadonlySet<string> }>({ items: [], ids: new Set() });
  const fresh: Message[] = [];
  const live: Message[] = [];
  for (const message of messages) {
    if (printed.current.ids.has(message.id)) continue;
    // Behind the first live message, nothing is printed: the printed part stays in order.
    if (live.length === 0 && isFinal(message, turn)) fresh.push(message);
    else live.push(message);
  }
  const items = fresh.length === 0 ? printed.current.items : [...printed.current.items, ...fresh];
  // Remembered once the render is committed (a render that is thrown away printed nothing).
  useLayoutEffect(() => {
    if (items === printed.current.items) return;
    printed.current = { items, ids: new Set([...printed.current.ids, ...fresh.map((message) => message.id)]) };
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

export function TranscriptLines({ transcript }: { readonly transcript: Transcript }) {
  const results = new Map<string, Extract<ContentPart, { type: "tool_result" }>>();
  for (const message of transcript.messages)
    for (const part of message.content) if (part.type === "tool_result") results.set(part.call_id, part);
  const turn = transcript.turn;
  const { items, live } = usePrintOnce(transcript.messages, turn);
  return (
    <Box flexDirection="column">
      <Static items={[...items]}>
        {(message) => <MessageLines key={message.id} message={message} transcript={transcript} results={results} />}
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
