// Proves: `maestro export` asks for Markdown (the default) or JSON and prints it, or writes it to
// --out and says so on stderr; `maestro import` sends the file (or stdin) as it is with the
// overrides in the query — a credential given by label sent as its id — and prints the new
// session's id; a file that is not JSON, an unknown credential and the API's refusal each say
// why and exit non-zero.
import { createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import { type TransferIo, exportToFile, importFromFile } from "./transfer.ts";
import { capture } from "./capture-output.ts";

const CREDENTIAL = {
  id: "11111111-1111-4111-8111-111111111111",
  provider: "openai",
  auth_type: "api_key",
  label: "work",
  hint: "…abcd",
  base_url: null,
  context_window: null,
  is_enabled: true,
  expires_at: null,
  needs_reauth: false,
  last_error: null,
  last_used_at: null,
  created_at: "2026-11-24T19:00:00.000Z",
  updated_at: "2026-11-24T19:00:00.000Z",
};
const EXPORT = {
  format: "maestro.session",
  version: 1,
  exported_at: "2026-11-24T19:00:00.000Z",
  session: {
    title: "T",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    system_prompt: null,
    enabled_tools: null,
    enabled_mcp: null,
    approval_mode: "ask",
    agent_offline: "fail",
    agent_offline_grace_ms: 600_000,
    compact_at: null,
    context_window: null,
    working_directory: null,
    credential: null,
    created_at: "2026-11-24T19:00:00.000Z",
  },
  leaf_id: null,
  messages: [],
};

function fakeApi(answer: (url: URL, init: RequestInit | undefined) => Response) {
  const requests: { url: URL; body: string | undefined }[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      requests.push({ url, body: typeof init?.body === "string" ? init.body : undefined });
      return answer(url, init);
    },
  });
  return { client, requests };
}

function memoryIo(files: Record<string, string>): TransferIo & { files: Record<string, string> } {
  return {
    files,
    read: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error("no such file");
      return text;
    },
    write: async (path, text) => {
      files[path] = text;
    },
  };
}

describe("maestro export", () => {
  it("prints the Markdown transcript", async () => {
    const { client, requests } = fakeApi(() => new Response("# T\n", { headers: { "content-type": "text/markdown" } }));
    const printed = capture();
    expect(await exportToFile(client, SAMPLE_SESSION.id, { format: "md" }, printed.output, memoryIo({}))).toBe(0);
    expect(printed.out()).toBe("# T\n");
    expect(requests[0]?.url.pathname).toBe(`/api/v1/sessions/${SAMPLE_SESSION.id}/export`);
    expect(requests[0]?.url.searchParams.get("format")).toBe("md");
  });

  it("writes the JSON to --out, with raw when asked", async () => {
    const { client, requests } = fakeApi(() => Response.json(EXPORT));
    const printed = capture();
    const io = memoryIo({});
    expect(await exportToFile(client, SAMPLE_SESSION.id, { format: "json", out: "s.json", raw: true }, printed.output, io)).toBe(0);
    expect(JSON.parse(io.files["s.json"] ?? "")).toEqual(EXPORT);
    expect(requests[0]?.url.searchParams.get("raw")).toBe("true");
    expect(printed.out()).toBe("");
    expect(printed.err()).toBe("Wrote s.json.\n");
  });

  it("says why when the session does not exist", async () => {
    const { client } = fakeApi(() =>
      Response.json({ error: { code: "SESSION_NOT_FOUND", message: "No session with that id." } }, { status: 404 }),
    );
    const printed = capture();
    expect(await exportToFile(client, SAMPLE_SESSION.id, { format: "md" }, printed.output, memoryIo({}))).toBe(1);
    expect(printed.err()).toBe("Could not export the session: No session with that id.\n");
  });
});

describe("maestro import", () => {
  it("sends the file with the overrides, the credential by its id, and prints the new session's id", async () => {
    const { client, requests } = fakeApi((url) =>
      url.pathname.endsWith("/credentials") ? Response.json({ data: [CREDENTIAL] }) : Response.json(SAMPLE_SESSION, { status: 201 }),
    );
    const printed = capture();
    const file = JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] });
    const options = { provider: "openai", model: "gpt-4.1-mini", credential: "work", title: "Brought in" };
    expect(await importFromFile(client, "chat.json", options, printed.output, memoryIo({ "chat.json": file }))).toBe(0);
    const sent = requests.at(-1);
    expect(sent?.url.pathname).toBe("/api/v1/sessions/import");
    expect(Object.fromEntries(sent?.url.searchParams ?? [])).toEqual({
      provider: "openai",
      model: "gpt-4.1-mini",
      credential_id: CREDENTIAL.id,
      title: "Brought in",
    });
    expect(JSON.parse(sent?.body ?? "")).toEqual(JSON.parse(file));
    expect(printed.out()).toBe(`${SAMPLE_SESSION.id}\n`);
  });

  it("refuses a file that is not JSON, an unknown credential, and passes on the API's reason", async () => {
    const refusing = fakeApi((url) =>
      url.pathname.endsWith("/credentials")
        ? Response.json({ data: [] })
        : Response.json(
            {
              error: {
                code: "INVALID_REQUEST",
                message: "Invalid import: leaf_id: names no message of this file",
                fields: [{ field: "leaf_id", message: "x" }],
              },
            },
            { status: 400 },
          ),
    );
    const io = memoryIo({ "bad.txt": "hello", "good.json": JSON.stringify(EXPORT) });
    const notJson = capture();
    expect(await importFromFile(refusing.client, "bad.txt", {}, notJson.output, io)).toBe(1);
    expect(notJson.err()).toContain("bad.txt is not JSON");
    const missing = capture();
    expect(await importFromFile(refusing.client, "nope.json", {}, missing.output, io)).toBe(1);
    expect(missing.err()).toContain("Could not read nope.json");
    const noCredential = capture();
    expect(await importFromFile(refusing.client, "good.json", { credential: "home" }, noCredential.output, io)).toBe(2);
    expect(noCredential.err()).toContain('No credential "home"');
    const refused = capture();
    expect(await importFromFile(refusing.client, "good.json", {}, refused.output, io)).toBe(1);
    expect(refused.err()).toBe("Could not import the session: Invalid import: leaf_id: names no message of this file\n");
    expect(refused.out()).toBe("");
  });
});
