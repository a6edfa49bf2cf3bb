// Proves: the export links point at the session's Markdown and JSON downloads; the import button
// sends the chosen file's JSON as it is and hands over the new session; an OpenAI list without a
// model asks for one and tries again with it; a file that is not JSON, and the API's refusal, are
// said plainly.
import { type SessionId, createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExportLinks, ImportButton } from "./SessionTransfer.tsx";

afterEach(cleanup);

function fakeClient(answers: Response[]) {
  const requests: { url: URL; body: unknown }[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input instanceof URL ? input.href : input);
      requests.push({ url, body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
      return answers.shift() ?? Response.json({}, { status: 500 });
    },
  });
  return { client, requests };
}

function choose(text: string, name = "chat.json") {
  const file = new File([text], name, { type: "application/json" });
  fireEvent.change(screen.getByLabelText("Import a session from a file"), { target: { files: [file] } });
}

describe("ExportLinks", () => {
  it("links both downloads", () => {
    render(<ExportLinks sessionId={"0b7d4c1e-5f3a-4b2e-9c8d-1a2b3c4d5e6f" as SessionId} />);
    expect(screen.getByRole("link", { name: "Markdown" }).getAttribute("href")).toBe(
      "/api/v1/sessions/0b7d4c1e-5f3a-4b2e-9c8d-1a2b3c4d5e6f/export?format=md",
    );
    expect(screen.getByRole("link", { name: "JSON" }).getAttribute("href")).toContain("format=json");
  });
});

describe("ImportButton", () => {
  it("sends the file and hands over the new session", async () => {
    const { client, requests } = fakeClient([Response.json(SAMPLE_SESSION, { status: 201 })]);
    const onImported = vi.fn();
    render(<ImportButton client={client} onImported={onImported} />);
    choose('{"format":"maestro.session"}');
    await waitFor(() => expect(onImported).toHaveBeenCalledWith(SAMPLE_SESSION));
    expect(requests[0]?.url.pathname).toBe("/api/v1/sessions/import");
    expect(requests[0]?.body).toEqual({ format: "maestro.session" });
  });

  it("asks for a model when the list names none, and tries again with it", async () => {
    const refusal = { error: { code: "INVALID_REQUEST", message: "Invalid import: model: …", fields: [{ field: "model", message: "…" }] } };
    const { client, requests } = fakeClient([Response.json(refusal, { status: 400 }), Response.json(SAMPLE_SESSION, { status: 201 })]);
    const onImported = vi.fn();
    render(<ImportButton client={client} onImported={onImported} askModel={() => "gpt-4.1"} />);
    choose('[{"role":"user","content":"hi"}]');
    await waitFor(() => expect(onImported).toHaveBeenCalled());
    expect(requests[1]?.url.searchParams.get("model")).toBe("gpt-4.1");
  });

  it("says when the file is not JSON, or the API refuses it", async () => {
    const refusal = { error: { code: "INVALID_REQUEST", message: "Invalid import: leaf_id: names no message of this file" } };
    const { client } = fakeClient([Response.json(refusal, { status: 400 })]);
    render(<ImportButton client={client} onImported={vi.fn()} />);
    choose("hello", "notes.txt");
    expect((await screen.findByRole("alert")).textContent).toContain("notes.txt is not JSON");
    choose("{}");
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("Invalid import: leaf_id: names no message of this file"));
  });
});
