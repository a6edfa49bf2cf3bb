// Proves: the search page searches what its URL asks for (words and filters, checked with the
// API's schema first), lists each hit with its session, role, model and the matching words marked
// — as text, so a snippet holding markup shows it rather than running it — links each hit to its
// message in its session, pages with More results, says when nothing matches or the query is
// refused, and a new search goes into the URL.
import type { RestClient, SearchHit, SearchResults } from "@maestro/protocol";
import { SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SearchPage } from "../../routes/SearchPage.tsx";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` as SearchHit["message_id"];

const hit = (n: number, words = "the parser"): SearchHit => ({
  message_id: id(n),
  session_id: SAMPLE_SESSION.id,
  session_title: "Parser work",
  role: "user",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  created_at: SAMPLE_MESSAGE.created_at,
  rank: 0.5,
  snippet: [
    { text: "we were ", hit: false },
    { text: "running", hit: true },
    { text: ` ${words}`, hit: false },
  ],
});

function fakeClient(...answers: (SearchResults | Error)[]) {
  const search = vi.fn(async () => {
    const answer = answers.shift();
    if (answer === undefined || answer instanceof Error) throw answer ?? new Error("No more pages scripted.");
    return answer;
  });
  const list = vi.fn(async () => ({ data: [SAMPLE_SESSION] }));
  return { client: { search, sessions: { list } } as unknown as RestClient, search };
}

const results = () => screen.getByRole("region", { name: "Search results" });
const hits = () => within(results()).queryAllByRole("listitem");

describe("SearchPage", () => {
  it("searches what the URL asks for and lists the hits, linked to their messages", async () => {
    const { client, search } = fakeClient({ data: [hit(1), hit(2, "<b>not bold</b>")], next_cursor: null });
    render(<SearchPage client={client} params={new URLSearchParams({ q: " run ", role: "user", provider: "anthropic" })} />);
    await waitFor(() => expect(hits()).toHaveLength(2));
    expect(search).toHaveBeenCalledWith({ q: "run", role: "user", provider: "anthropic", limit: 20 });
    const [first, second] = hits();
    expect(within(first!).getByRole("link").getAttribute("href")).toBe(`#/sessions/${SAMPLE_SESSION.id}/messages/${id(1)}`);
    expect(first!.textContent).toContain("Parser work");
    expect(first!.textContent).toContain("You");
    expect(first!.textContent).toContain("claude-sonnet-4-5");
    expect([...first!.querySelectorAll("mark")].map((mark) => mark.textContent)).toEqual(["running"]);
    // Markup in a snippet is text.
    expect(second!.querySelector("b")).toBeNull();
    expect(second!.textContent).toContain("<b>not bold</b>");
    expect(screen.getByRole<HTMLInputElement>("searchbox", { name: "Search all messages" }).value).toBe(" run ");
  });

  it("pages with More results", async () => {
    const { client, search } = fakeClient({ data: [hit(1)], next_cursor: id(1) }, { data: [hit(2)], next_cursor: null });
    render(<SearchPage client={client} params={new URLSearchParams({ q: "parser" })} />);
    await waitFor(() => expect(hits()).toHaveLength(1));
    fireEvent.click(within(results()).getByRole("button", { name: "More results" }));
    await waitFor(() => expect(hits()).toHaveLength(2));
    expect(search).toHaveBeenLastCalledWith({ q: "parser", limit: 20, cursor: id(1) });
    expect(within(results()).queryByRole("button", { name: "More results" })).toBeNull();
  });

  it("says when nothing matches, and shows a refusal", async () => {
    const none = fakeClient({ data: [], next_cursor: null });
    render(<SearchPage client={none.client} params={new URLSearchParams({ q: "nowhere" })} />);
    await waitFor(() => expect(within(results()).getByText("No messages match.")).toBeTruthy());
    cleanup();
    const refused = fakeClient(new Error("Nothing to search for: the query has only words too common to index."));
    render(<SearchPage client={refused.client} params={new URLSearchParams({ q: "the" })} />);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("too common"));
  });

  it("checks the filters before asking, and puts a new search into the URL", async () => {
    const { client, search } = fakeClient();
    render(<SearchPage client={client} params={new URLSearchParams({ q: "x", from: "2026-12-02", to: "2026-12-01" })} />);
    expect(screen.getByRole("alert").textContent).toContain("from must not be after to");
    expect(search).not.toHaveBeenCalled();
    fireEvent.change(screen.getByRole("searchbox", { name: "Search all messages" }), { target: { value: "lighthouse keeper" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Role" }), { target: { value: "assistant" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(window.location.hash).toBe("#/search?q=lighthouse+keeper&role=assistant&from=2026-12-02&to=2026-12-01");
  });
});
