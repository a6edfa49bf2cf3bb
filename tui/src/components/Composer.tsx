/**
 * The attach view's composer: ink-text-input (cursor movement, insertion anywhere, paste) with
 * what a chat prompt adds — Up/Down through what you sent before (the half-written line comes
 * back after the newest), a paste or a multiplexer that delivers text and Enter in one chunk sends
 * it, Tab completes a slash command, the matching commands are listed under the input, and a
 * single y/s/n typed into an empty prompt answers a waiting approval instead. Typing a message
 * says so now and then (`onWriting`), so a session that slept gets ready for it.
 */
import { saysWriting } from "@maestro/protocol";
import { Box, Text, useInput } from "ink";
import TextInput from "ink-text-input";
import { useRef, useState } from "react";
import { commandHint, matchingCommands } from "./slash-commands.ts";

/** Enough to scroll back through a session's worth of prompts; older ones drop off. */
const HISTORY_LIMIT = 200;

export interface ComposerProps {
  readonly onSubmit: (line: string) => void;
  /** A key typed into an empty prompt; true when it was an answer (then it is not text). */
  readonly onAnswerKey: (key: string) => boolean;
  /** A message is being typed (at most once every PREPARE_EVERY_MS; not for a slash command). */
  readonly onWriting?: () => void;
}

export function Composer({ onSubmit, onAnswerKey, onWriting }: ComposerProps) {
  const [value, setValue] = useState("");
  const saidWritingAt = useRef(Number.NEGATIVE_INFINITY);
  // A recalled or completed line is a fresh input (its key), so the cursor starts at its end.
  const [generation, setGeneration] = useState(0);
  const history = useRef<string[]>([]);
  // Where Up/Down is in the history (null: at the line being written), and that line meanwhile.
  const browsing = useRef<number | null>(null);
  const draft = useRef("");

  const recall = (text: string) => {
    setValue(text);
    setGeneration((current) => current + 1);
  };

  const submit = (text: string) => {
    const line = text.trim();
    setValue("");
    browsing.current = null;
    if (line.length === 0) return;
    if (history.current.at(-1) !== line) history.current = [...history.current, line].slice(-HISTORY_LIMIT);
    onSubmit(line);
  };

  const change = (text: string) => {
    const newline = text.search(/[\r\n]/);
    if (newline !== -1) return submit(text.slice(0, newline));
    // Answered: the input has moved its cursor past the key, so it starts afresh.
    if (value === "" && text.length === 1 && onAnswerKey(text)) return recall("");
    setValue(text);
    const now = Date.now();
    if (onWriting === undefined || text.startsWith("/") || !saysWriting(text, saidWritingAt.current, now)) return;
    saidWritingAt.current = now;
    onWriting();
  };

  useInput((_input, key) => {
    const past = history.current;
    if (key.upArrow && past.length > 0) {
      if (browsing.current === null) draft.current = value;
      browsing.current = Math.max(0, (browsing.current ?? past.length) - 1);
      recall(past[browsing.current] ?? "");
    } else if (key.downArrow && browsing.current !== null) {
      const next = browsing.current + 1;
      browsing.current = next < past.length ? next : null;
      recall(browsing.current === null ? draft.current : (past[next] ?? ""));
    } else if (key.tab) {
      const [only, ...others] = matchingCommands(value);
      if (only !== undefined && others.length === 0) recall(`/${only.name} `);
    }
  });

  return (
    <Box flexDirection="column">
      <Box>
        <Text color="cyan">{"> "}</Text>
        <TextInput key={generation} value={value} onChange={change} onSubmit={submit} />
      </Box>
      {matchingCommands(value).map((command) => (
        <Text key={command.name} dimColor>
          {`  ${commandHint(command)}`}
        </Text>
      ))}
    </Box>
  );
}
