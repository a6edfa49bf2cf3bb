// Proves (issue 15 §4): the events a turn keeps for a joining client's snapshot are joined where
// the client's fold cannot tell — as a property, folding the joined events gives the same
// transcript as folding every event as it streamed, for any mix of text, thinking (parts,
// signatures, reasoning items), refusals, interleaved tool calls and tool output — and a long
// answer is a handful of events, a command's megabytes of output the tail a client keeps. The same
// join, applied to what one upstream read brought (stream-driver.ts), builds the same stored step.
import {
  appendJoined,
  EMPTY_TRANSCRIPT,
  type EventFrame,
  MAX_PROGRESS_CHARS,
  type SessionToClient,
  type StreamEvent,
  type Transcript,
  ToolCallIdSchema,
  foldTranscript,
} from "@maestro/protocol";
import { SAMPLE_SESSION, SAMPLE_TURN_ID } from "@maestro/protocol/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendLiveEvent } from "../../src/session/live-events.ts";
import { StepBuilder } from "../../src/session/step-builder.ts";

const CALLS = [ToolCallIdSchema.parse("toolu_a"), ToolCallIdSchema.parse("toolu_b")];

const word = fc.string({ minLength: 0, maxLength: 6 });
const event: fc.Arbitrary<StreamEvent> = fc.oneof(
  { weight: 6, arbitrary: word.map((text) => ({ type: "text_delta" as const, text })) },
  word.map((text) => ({ type: "text_delta" as const, text, signature: "sig-text" })),
  { weight: 3, arbitrary: word.map((text) => ({ type: "thinking_delta" as const, text })) },
  word.map((text) => ({ type: "thinking_delta" as const, text, new_part: true as const })),
  word.map((text) => ({ type: "thinking_delta" as const, text, signature: "sig-thinking" })),
  fc.tuple(word, fc.constantFrom("rs_1", "rs_2")).map(([text, item_id]) => ({ type: "thinking_delta" as const, text, item_id })),
  word.map((text) => ({ type: "refusal_delta" as const, text })),
  fc.constantFrom(...CALLS).map((call_id) => ({ type: "tool_call" as const, phase: "start" as const, call_id, name: "read_file" })),
  fc
    .tuple(fc.constantFrom(...CALLS), word)
    .map(([call_id, delta]) => ({ type: "tool_call" as const, phase: "args_delta" as const, call_id, delta })),
  fc
    .tuple(fc.constantFrom(...CALLS), fc.option(word, { nil: undefined }), fc.option(word, { nil: undefined }))
    .map(([call_id, output, status]) => ({
      type: "tool_progress" as const,
      call_id,
      ...(output !== undefined && { output }),
      ...(status !== undefined && { status }),
    })),
);

const frames = (events: readonly StreamEvent[]): EventFrame[] =>
  events.map((each, index) => ({ type: "event", seq: index + 2, turn_id: SAMPLE_TURN_ID, event: each }));

/** What a client shows after joining with a snapshot holding these events. */
function folded(events: readonly EventFrame[]): Pick<Transcript, "turn" | "tools"> {
  const snapshot: SessionToClient = {
    type: "snapshot",
    seq: events.at(-1)?.seq ?? 1,
    protocol_version: 1,
    session: SAMPLE_SESSION,
    messages: [],
    presence: { total: 1, web: 1, tui: 0, api: 0 },
    turn: { turn_id: SAMPLE_TURN_ID, events: [...events], approvals: [] },
  };
  const { turn, tools } = foldTranscript(EMPTY_TRANSCRIPT, snapshot);
  return { turn, tools };
}

function kept(all: readonly EventFrame[]): EventFrame[] {
  const events: EventFrame[] = [];
  for (const frame of all) appendLiveEvent(events, frame);
  return events;
}

describe("a turn's live events, as a snapshot keeps them", () => {
  it("fold to what every event folds to, whatever streamed", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const all = frames(events);
        const joined = kept(all);
        expect(folded(joined)).toEqual(folded(all));
        expect(joined.length).toBeLessThanOrEqual(all.length);
        expect(joined.at(-1)?.seq).toBe(all.at(-1)?.seq);
      }),
      { numRuns: 500 },
    );
  });

  it("build the same stored step joined as streamed one by one", () => {
    const built = (events: readonly StreamEvent[]) => {
      const builder = new StepBuilder();
      for (const each of events) builder.add(each);
      return builder.build();
    };
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const joined: StreamEvent[] = [];
        for (const each of events) appendJoined(joined, each);
        expect(built(joined)).toEqual(built(events));
      }),
      { numRuns: 500 },
    );
  });

  it("keep a long answer as one event and a command's output as the tail a client shows", () => {
    const answer = frames(Array.from({ length: 32_000 }, (_, index): StreamEvent => ({ type: "text_delta", text: `w${index} ` })));
    expect(kept(answer)).toHaveLength(1);
    const output = frames(
      Array.from({ length: 2_000 }, (_, index): StreamEvent => ({
        type: "tool_progress",
        call_id: CALLS[0]!,
        output: `line ${index}\n`.padEnd(1_000, "."),
      })),
    );
    const [progress] = kept(output);
    expect(progress?.event.type === "tool_progress" && progress.event.output?.length).toBe(MAX_PROGRESS_CHARS);
    expect(folded(kept(output)).tools).toEqual(folded(output).tools);
  });
});
