// Proves: a long session's history stays reachable — "Show earlier messages" prepends older pages
// in order (each message once, even when a page overlaps the live window), renders them like live
// ones, ends at "Start of the session", and says so when a page fails to load, with a retry.
import { EMPTY_TRANSCRIPT, type Message, type MessagePage, type RestClient, foldTranscript } from "@maestro/protocol";
import { SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionTranscript } from "./SessionTranscript.tsx";

afterEach(cleanup);

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` as Message["id"];

/** A user message saying "message <n>"; higher numbers are newer. */
const said = (n: number): Message => ({ ...SAMPLE_MESSAGE, id: id(n), role: "user", content: [{ type: "text", text: `message ${n}` }] });

/** Messages `from`..`to`, oldest first. */
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => said(from + index));

/** What those messages read as. */
const texts = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `message ${from + index}`);

/** A page as the API sends it: newest first. */
const page = (messages: Message[], nextBefore: number | null): MessagePage => ({
  data: messages.toReversed(),
  next_before: nextBefore === null ? null : id(nextBefore),
});

const liveWith = (messages: Message[]) =>
  foldTranscript(EMPTY_TRANSCRIPT, {
    type: "snapshot",
    seq: 0,
    protocol_version: 1,
    session: SAMPLE_SESSION,
    presence: SAMPLE_SESSION.presence,
    messages,
    turn: null,
  });

function fakeClient(...answers: (MessagePage | Error)[]) {
  const list = vi.fn(async () => {
    const answer = answers.shift();
    if (answer === undefined || answer instanceof Error) throw answer ?? new Error("No more pages scripted.");
    return answer;
  });
  return { client: { messages: { list } } as unknown as RestClient, list };
}

/** What the user reads, top to bottom: each of their own messages. */
const shownMessages = () => screen.getAllByRole("article", { name: "You" }).map((article) => article.textContent);

describe("SessionTranscript", () => {
  it("prepends earlier pages in order, each message once, until the start of the session", async () => {
    // The first page reaches into the live window (messages 101 and 102 are in both).
    const { client, list } = fakeClient(page([...range(51, 100), ...range(101, 102)], 51), page(range(1, 50), null));
    render(<SessionTranscript client={client} transcript={liveWith(range(101, 150))} onAnswer={vi.fn()} />);
    expect(shownMessages()).toHaveLength(50);
    expect(screen.queryByText("Start of the session")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    await waitFor(() => expect(shownMessages()).toHaveLength(100));
    expect(shownMessages()).toEqual(texts(51, 150));
    expect(list).toHaveBeenLastCalledWith(SAMPLE_SESSION.id, { before: id(101), limit: 100 });

    fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    await waitFor(() => expect(screen.getByText("Start of the session")).toBeTruthy());
    expect(shownMessages()).toEqual(texts(1, 150));
    expect(list).toHaveBeenLastCalledWith(SAMPLE_SESSION.id, { before: id(51), limit: 100 });
    expect(screen.queryByRole("button", { name: "Show earlier messages" })).toBeNull();
  });

  it("shows earlier tool calls as cards, like live ones", async () => {
    const earlierAnswer: Message = { ...SAMPLE_MESSAGE, id: id(99) };
    const { client } = fakeClient(page([earlierAnswer], null));
    render(<SessionTranscript client={client} transcript={liveWith(range(101, 150))} onAnswer={vi.fn()} />);
    fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    await waitFor(() => expect(screen.getByRole("region", { name: "Tool call read_file" })).toBeTruthy());
    expect(screen.getByText("Reading it.")).toBeTruthy();
  });

  it("offers no earlier messages when the live window holds the whole session", () => {
    const { client } = fakeClient();
    render(<SessionTranscript client={client} transcript={liveWith(range(1, 3))} onAnswer={vi.fn()} />);
    expect(shownMessages()).toEqual(["message 1", "message 2", "message 3"]);
    expect(screen.queryByRole("button", { name: "Show earlier messages" })).toBeNull();
  });

  it("says when a page failed to load and loads it on retry", async () => {
    const { client } = fakeClient(new Error("The server is unavailable."), page(range(91, 100), 91));
    render(<SessionTranscript client={client} transcript={liveWith(range(101, 150))} onAnswer={vi.fn()} />);
    fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("Could not load earlier messages: The server is unavailable."));
    expect(shownMessages()).toHaveLength(50);

    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(shownMessages()).toHaveLength(60));
    expect(shownMessages()[0]).toBe("message 91");
    expect(screen.queryByRole("alert")).toBeNull();
    // The page said there is more, so the way further back stays open.
    expect(screen.getByRole("button", { name: "Show earlier messages" })).toBeTruthy();
  });
});
