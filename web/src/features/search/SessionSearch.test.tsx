// Proves: searching a session lists each matching message with who said it and the words around
// the match highlighted (also deep inside a long message or a tool's output), says when nothing
// matches, pages back with "More results", shows a failure, and closes.
import type { Message, MessagePage, RestClient } from "@maestro/protocol";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionSearch } from "./SessionSearch.tsx";

afterEach(cleanup);

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` as Message["id"];

const userSaid = (n: number, text: string): Message => ({ ...SAMPLE_MESSAGE, id: id(n), role: "user", content: [{ type: "text", text }] });

const toolSaid = (n: number, output: string): Message => ({
  ...SAMPLE_MESSAGE,
  id: id(n),
  role: "tool",
  content: [{ type: "tool_result", call_id: SAMPLE_CALL_ID, name: "run_shell_command", ok: true, output }],
});

function fakeClient(...answers: (MessagePage | Error)[]) {
  const list = vi.fn(async () => {
    const answer = answers.shift();
    if (answer === undefined || answer instanceof Error) throw answer ?? new Error("No more pages scripted.");
    return answer;
  });
  return { client: { messages: { list } } as unknown as RestClient, list };
}

function searchFor(query: string) {
  fireEvent.change(screen.getByRole("searchbox", { name: "Search this session" }), { target: { value: query } });
  fireEvent.click(screen.getByRole("button", { name: "Search" }));
}

const results = () => screen.getByRole("region", { name: "Search results" });
const hits = () => within(results()).queryAllByRole("listitem");
const highlighted = () => [...results().querySelectorAll("mark")].map((mark) => mark.textContent);

describe("SessionSearch", () => {
  it("lists matching messages with who said it and the match highlighted", async () => {
    const long = `${"Some words before. ".repeat(20)}Then we rename the Parser module. ${"And more after. ".repeat(20)}`;
    const { client, list } = fakeClient({
      data: [
        toolSaid(3, "src/parser.ts: 2 errors\n[exit code 1]"),
        userSaid(2, long),
        userSaid(1, "Refactor the parser, and test the parser"),
      ],
      next_before: null,
    });
    render(<SessionSearch client={client} sessionId={SAMPLE_SESSION.id} />);
    searchFor("  parser ");

    await waitFor(() => expect(hits()).toHaveLength(3));
    expect(list).toHaveBeenCalledWith(SAMPLE_SESSION.id, { q: "parser", limit: 50 });
    expect(within(results()).getByRole("heading").textContent).toBe("Messages containing “parser”");
    const [tool, deep, short] = hits();
    expect(within(tool!).getByText("Tool")).toBeTruthy();
    expect(tool!.textContent).toContain("run_shell_command src/parser.ts: 2 errors [exit code 1]");
    // A long message is cut to the words around the match, keeping the user's case.
    expect(within(deep!).getByText("You")).toBeTruthy();
    expect(deep!.querySelector("p")?.textContent).toMatch(/^….*Then we rename the Parser module\..*…$/);
    expect(deep!.querySelector("p")?.textContent?.length).toBeLessThan(200);
    expect(short!.querySelector("p")?.textContent).toBe("Refactor the parser, and test the parser");
    expect(highlighted()).toEqual(["parser", "Parser", "parser", "parser"]);
    expect(short!.querySelector("time")?.getAttribute("dateTime")).toBe(SAMPLE_MESSAGE.created_at);
  });

  it("says when no message matches", async () => {
    const { client } = fakeClient({ data: [], next_before: null });
    render(<SessionSearch client={client} sessionId={SAMPLE_SESSION.id} />);
    searchFor("nowhere");
    await waitFor(() => expect(within(results()).getByText("No messages match.")).toBeTruthy());
    expect(within(results()).queryByRole("button", { name: "More results" })).toBeNull();
  });

  it("pages back through older matches with More results, then closes", async () => {
    const { client, list } = fakeClient(
      { data: [userSaid(9, "deploy on Friday"), userSaid(8, "deploy the worker")], next_before: id(8) },
      { data: [userSaid(2, "first deploy")], next_before: null },
    );
    render(<SessionSearch client={client} sessionId={SAMPLE_SESSION.id} />);
    searchFor("deploy");
    await waitFor(() => expect(hits()).toHaveLength(2));

    fireEvent.click(within(results()).getByRole("button", { name: "More results" }));
    await waitFor(() => expect(hits()).toHaveLength(3));
    expect(list).toHaveBeenLastCalledWith(SAMPLE_SESSION.id, { q: "deploy", limit: 50, before: id(8) });
    expect(hits().map((hit) => hit.querySelector("p")?.textContent)).toEqual(["deploy on Friday", "deploy the worker", "first deploy"]);
    expect(within(results()).queryByRole("button", { name: "More results" })).toBeNull();

    fireEvent.click(within(results()).getByRole("button", { name: "Close search results" }));
    expect(screen.queryByRole("region", { name: "Search results" })).toBeNull();
  });

  it("shows a failed search, and a new search replaces it", async () => {
    const { client } = fakeClient(new Error("Too many requests."), { data: [userSaid(1, "found it")], next_before: null });
    render(<SessionSearch client={client} sessionId={SAMPLE_SESSION.id} />);
    searchFor("found");
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("Too many requests."));
    expect(within(results()).queryByText("No messages match.")).toBeNull();

    searchFor("found");
    await waitFor(() => expect(hits()).toHaveLength(1));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(highlighted()).toEqual(["found"]);
  });
});
