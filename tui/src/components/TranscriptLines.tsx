/**
 * The conversation for a terminal, from the shared transcript fold: finished messages printed
 * once through Ink's <Static> (a long transcript neither flickers nor slows down), then the turn
 * in flight; the model's text as terminal markdown, thinking collapsed to one line, tool calls as
 * small cards.
 */
import { type ContentPart, type Message, type ToolCard, type Transcript, storedToolCard } from "@maestro/protocol";
import { Box, Static, Text } from "ink";
import { renderMarkdown } from "../markdown.ts";

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
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={message.role === "user" ? "blue" : "magenta"}>
        {message.role === "user" ? "you" : "model"}
      </Text>
      {message.content.map((part, index) => {
        if (part.type === "text") return <Text key={index}>{message.role === "user" ? part.text : renderMarkdown(part.text)}</Text>;
        if (part.type === "thinking") return <Text key={index} dimColor>{`▸ thinking (${part.text.length} chars)`}</Text>;
        if (part.type === "tool_call")
          return <ToolCardLine key={index} card={storedToolCard(transcript, part, results.get(part.call_id))} />;
        return null;
      })}
    </Box>
  );
}

export function TranscriptLines({ transcript }: { readonly transcript: Transcript }) {
  const results = new Map<string, Extract<ContentPart, { type: "tool_result" }>>();
  for (const message of transcript.messages)
    for (const part of message.content) if (part.type === "tool_result") results.set(part.call_id, part);
  const turn = transcript.turn;
  // Messages of the turn in flight can still change (their tool cards run): only earlier ones are final.
  const finished = transcript.messages.filter((message) => turn === null || message.turn_id !== turn.turnId);
  const current = transcript.messages.filter((message) => turn !== null && message.turn_id === turn.turnId);
  return (
    <Box flexDirection="column">
      <Static items={finished}>
        {(message) => <MessageLines key={message.id} message={message} transcript={transcript} results={results} />}
      </Static>
      {current.map((message) => (
        <MessageLines key={message.id} message={message} transcript={transcript} results={results} />
      ))}
      {turn !== null && (
        <Box flexDirection="column">
          {turn.blocks.map((block, index) => {
            if (block.kind === "text") return <Text key={index}>{renderMarkdown(block.text)}</Text>;
            if (block.kind === "thinking") return <Text key={index} dimColor>{`▸ thinking…`}</Text>;
            const card = transcript.tools[block.callId];
            return card === undefined ? null : <ToolCardLine key={index} card={card} />;
          })}
          {turn.error !== null && <Text color="red">{turn.error.message}</Text>}
        </Box>
      )}
    </Box>
  );
}
