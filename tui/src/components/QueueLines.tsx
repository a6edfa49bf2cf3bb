/**
 * The session's queue under the transcript in `maestro attach`: the messages waiting for the turn
 * in flight to end, numbered for `/unqueue <n>` and `/edit <n> <text>`, and whether the queue
 * paused (after a cancelled or failed turn: `/resume` starts it). Renders nothing when empty.
 */
import type { QueueEntry } from "@maestro/protocol";
import { Box, Text } from "ink";

const oneLine = (text: string, max = 100) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export function QueueLines({ queue, paused }: { readonly queue: readonly QueueEntry[]; readonly paused: boolean }) {
  if (queue.length === 0) return null;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={paused ? "yellow" : "gray"} paddingX={1}>
      <Text dimColor>
        {paused
          ? "Queued, paused after the last turn stopped: /resume runs them, /unqueue <n> drops one"
          : "Queued, runs when the turn ends: /edit <n> <text>, /unqueue <n>"}
      </Text>
      {queue.map((entry, index) => (
        <Text key={entry.id}>
          <Text color="cyan">{index + 1}.</Text> {oneLine(entry.text)} <Text dimColor>({entry.by})</Text>
        </Text>
      ))}
    </Box>
  );
}
