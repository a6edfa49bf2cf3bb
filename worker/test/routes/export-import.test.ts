// Proves (issue 13 §4), through the API with the simulators behind it: a session exports as
// lossless JSON (every branch, tool calls and results, a compaction, usage, cost, settings) and as a
// readable Markdown transcript of the branch in use; importing the JSON recreates the session so
// that exporting it again gives the same file apart from ids and timestamps, and the copy goes on
// from its leaf; an OpenAI-style messages list imports into a session the provider accepts the next
// request of; broken files are refused with the path of each problem, and too large ones with 413.
import type { ProviderId, Session, SessionExport, TurnResult } from "@maestro/protocol";
import { describe, expect, inject, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { blobUrl, recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";
import type { ScriptOptions, TurnInput } from "../simulators/script.ts";

const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

async function credentialFor(provider: ProviderId, turns: TurnInput[], options: ScriptOptions = {}, label = `export ${provider}`) {
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(`export-${provider}`);
  await registerScript(simulatorUrl, key, turns, options);
  const credential = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label,
    api_key: key,
    base_url: provider === "openai" ? `${simulatorUrl}/v1` : simulatorUrl,
  });
  return { credential, key };
}

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await api(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

async function send(sessionId: string, text: string): Promise<TurnResult> {
  return (await post<TurnResult>(`/sessions/${sessionId}/messages?wait=true`, { text })).body;
}

async function exportJson(sessionId: string, raw = false): Promise<SessionExport> {
  const response = await api(`/sessions/${sessionId}/export?format=json${raw ? "&raw=true" : ""}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** The file with every uuid named by its order of first appearance, and the times that must differ left out. */
function comparable(file: SessionExport): unknown {
  const names = new Map<string, string>();
  const text = JSON.stringify(file).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!names.has(id)) names.set(id, `id#${names.size}`);
    return names.get(id) ?? id;
  });
  const { exported_at: _exported, session, ...rest } = JSON.parse(text) as SessionExport;
  const { created_at: _created, ...settings } = session;
  return { ...rest, session: settings };
}

const textsOf = (file: SessionExport) =>
  file.messages.map((message) => message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""));

/** A session with two branches (an edit, a regenerated answer), a tool call, a manual compaction. */
async function richSession() {
  const simulatorUrl = inject("simulatorUrl");
  const { credential, key } = await credentialFor(
    "anthropic",
    [
      {
        steps: [
          { kind: "tool_calls", calls: [{ id: "toolu_export1", name: "fetch_url", args: { url: blobUrl(simulatorUrl, 300, "e") } }] },
        ],
      },
      say("A1: read it."),
      say("A2"),
      say("B2"),
      say("B2 again"),
      say("A3"),
      say("A4 after import"),
    ],
    { answer_summaries: true },
  );
  const session = await client().sessions.create({
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    credential_id: credential.id,
    title: "Export: the round trip",
    system_prompt: "You are a test.",
    approval_mode: "auto",
    enabled_tools: ["fetch_url"],
    enabled_mcp: [],
    compact_at: 0.7,
    context_window: 150_000,
  });
  expect((await send(session.id, "one")).status).toBe("completed");
  expect((await send(session.id, "two")).status).toBe("completed");
  const before = await exportJson(session.id);
  const two = before.messages.find((message) => message.role === "user" && textsOf({ ...before, messages: [message] })[0] === "two");
  if (two === undefined) throw new Error("no second message");
  expect((await post<TurnResult>(`/sessions/${session.id}/messages/${two.id}/edit?wait=true`, { text: "two, edited" })).status).toBe(200);
  const edited = await exportJson(session.id);
  const b2 = edited.messages.find((message) => message.id === edited.leaf_id);
  if (b2 === undefined) throw new Error("no answer on the new branch");
  expect((await post<TurnResult>(`/sessions/${session.id}/messages/${b2.id}/regenerate?wait=true`, {})).status).toBe(200);
  await client().sessions.compact(session.id, { instructions: "the numbers" });
  expect((await send(session.id, "three")).status).toBe("completed");
  return { session, key, credential };
}

describe("export and import", () => {
  it("round-trips a session with branches, a tool call and a compaction, identical apart from ids and times, and the copy goes on", async () => {
    const { session, key } = await richSession();
    const exported = await exportJson(session.id, true);

    expect(exported).toMatchObject({ format: "maestro.session", version: 1 });
    expect(exported.session).toMatchObject({
      title: "Export: the round trip",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      system_prompt: "You are a test.",
      enabled_tools: ["fetch_url"],
      enabled_mcp: [],
      approval_mode: "auto",
      compact_at: 0.7,
      context_window: 150_000,
      credential: { id: session.credential_id, label: "export anthropic" },
    });
    // Every branch: both "two"s, all three answers to them; the tool call, its result, the compaction.
    expect(textsOf(exported)).toEqual(
      expect.arrayContaining(["one", "A1: read it.", "two", "A2", "two, edited", "B2", "B2 again", "three", "A3"]),
    );
    const parts = exported.messages.flatMap((message) => message.content);
    expect(parts).toContainEqual(expect.objectContaining({ type: "tool_call", call_id: "toolu_export1", name: "fetch_url" }));
    expect(parts).toContainEqual(expect.objectContaining({ type: "tool_result", call_id: "toolu_export1", ok: true }));
    const compaction = parts.find((part) => part.type === "compaction");
    expect(compaction).toMatchObject({ trigger: "manual", summarized_through: expect.any(String), instructions: "the numbers" });
    // A parent always comes before its replies; the leaf is the last answer; answers carry usage and cost.
    const seen = new Set<string>();
    for (const message of exported.messages) {
      if (message.parent_id !== null) expect(seen).toContain(message.parent_id);
      seen.add(message.id);
    }
    expect(exported.messages.find((message) => message.id === exported.leaf_id)?.content).toEqual([{ type: "text", text: "A3" }]);
    const answer = exported.messages.find((message) => message.role === "assistant" && message.usage !== null);
    expect(answer).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      cost_usd: expect.any(Number),
      raw_request: expect.anything(),
    });
    expect(exported.cost_usd).toBeGreaterThan(0);
    // Without raw=true, no raw requests or responses.
    const plain = await exportJson(session.id);
    expect(plain.messages.some((message) => "raw_request" in message || "raw_response" in message)).toBe(false);

    const imported = await post<Session>("/sessions/import", exported);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ title: "Export: the round trip", provider: "anthropic", credential_id: session.credential_id });
    expect(imported.body.id).not.toBe(session.id);
    // The copy keeps each answer's usage and cost, but they were spent in the original: not again here.
    expect(imported.body.cost_usd).toBe(0);
    const again = await exportJson(imported.body.id, true);
    expect(again.messages.map((message) => message.id)).not.toContain(exported.messages[0]?.id);
    expect(comparable(again)).toEqual(comparable(exported));

    // The copy continues from its leaf: the model is sent the summary, then the newest turns.
    const next = await send(imported.body.id, "four");
    expect(next).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "A4 after import" }] } });
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    const last = requests.at(-1)?.raw_body ?? "";
    expect(last).toContain("This conversation continues from earlier turns");
    expect(last).toContain("four");
    expect(last).not.toContain('B2 again"},{"role":"user","content":[{"type":"text","text":"two"');
    // The original did not change.
    expect(comparable(await exportJson(session.id, true))).toEqual(comparable(exported));
  });

  it("writes the branch in use as Markdown, tool calls and thinking folded, as a download", async () => {
    const { session } = await richSession();
    const response = await api(`/sessions/${session.id}/export?format=md`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/markdown");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="maestro-export-the-round-trip-\d{4}-\d{2}-\d{2}\.md"$/,
    );
    const markdown = await response.text();
    expect(markdown).toMatch(/^# Export: the round trip\n/);
    expect(markdown).toContain("- **Model:** anthropic / claude-sonnet-4-5");
    expect(markdown).toMatch(/- \*\*Cost:\*\* \$\d+\.\d{4} on this branch/);
    expect(markdown).toContain("<details>\n<summary>System prompt</summary>\n\nYou are a test.");
    expect(markdown).toContain("<summary>Tool call: fetch_url (ok)</summary>");
    expect(markdown).toContain("Earlier turns were summarised here (manual)");
    expect(markdown).toMatch(/## Assistant\n\nA3\n\n\*claude-sonnet-4-5 · [\d,]+ in \/ [\d,]+ out tokens · \$\d+\.\d{4}\*/);
    // Only the branch in use: the edited message and the regenerated answer, not what they replaced.
    expect(markdown).toContain("two, edited");
    expect(markdown).toContain("B2 again");
    expect(markdown).not.toMatch(/\n(two|A2|B2)\n/);
    expect(markdown).toMatch(/\*\*Messages:\*\* \d+ on this branch \(\d+ in all branches\)/);
  });

  it("imports an OpenAI-style messages list, tool calls and results included, and the provider takes the next request", async () => {
    const { credential, key } = await credentialFor("openai", [say("Carrying on.")]);
    const list = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "What is in notes.md?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_abc", type: "function", function: { name: "read_file", arguments: '{"path": "notes.md"}' } }],
      },
      { role: "tool", tool_call_id: "call_abc", content: "milk, eggs" },
      { role: "assistant", content: [{ type: "text", text: "Milk and eggs." }] },
    ];
    const imported = await post<Session>(`/sessions/import?credential_id=${credential.id}`, {
      model: "gpt-4.1",
      messages: list,
      temperature: 0,
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      title: "What is in notes.md?",
      provider: "openai",
      model: "gpt-4.1",
      credential_id: credential.id,
      system_prompt: "Be brief.",
    });
    const file = await exportJson(imported.body.id);
    expect(file.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", [{ type: "text", text: "What is in notes.md?" }]],
      [
        "assistant",
        [{ type: "tool_call", call_id: "call_abc", name: "read_file", args: { path: "notes.md" }, args_json: '{"path": "notes.md"}' }],
      ],
      ["tool", [{ type: "tool_result", call_id: "call_abc", name: "read_file", ok: true, output: "milk, eggs" }]],
      ["assistant", [{ type: "text", text: "Milk and eggs." }]],
    ]);
    expect(file.leaf_id).toBe(file.messages.at(-1)?.id);

    expect(await send(imported.body.id, "And in todo.md?")).toMatchObject({ status: "completed" });
    const [request] = await recordedRequests(inject("simulatorUrl"), key);
    const sent = (request?.body as { messages: { role: string; tool_call_id?: string; content: unknown }[] }).messages;
    expect(sent.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool", "assistant", "user"]);
    expect(sent[3]).toMatchObject({ tool_call_id: "call_abc" });
    expect(request?.raw_body).toContain('{\\"path\\": \\"notes.md\\"}');

    // The bare list, with the model (and a provider, a title) in the query.
    const bare = await post<Session>(`/sessions/import?provider=openai&model=gpt-4.1&title=Bare`, list.slice(0, 2));
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ title: "Bare", model: "gpt-4.1" });
  });

  it("refuses broken files with the path of each problem, and stores nothing", async () => {
    const { credential } = await credentialFor("anthropic", [say("Only answer.")], {}, "export refusals");
    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5", credential_id: credential.id });
    expect((await send(session.id, "hello")).status).toBe("completed");
    const good = await exportJson(session.id);
    const [user, answer] = good.messages;
    if (user === undefined || answer === undefined) throw new Error("no turn");
    const unknown = crypto.randomUUID();
    const countBefore = (await client().sessions.list({ status: "all", limit: 500 })).data.length;

    const cases: [string, unknown, string, string[]][] = [
      ["not JSON", "{nope", "INVALID_REQUEST", []],
      ["neither format", { hello: 1 }, "INVALID_REQUEST", ["(root)"]],
      ["another version", { ...good, version: 2 }, "INVALID_REQUEST", ["version"]],
      ["a bad role", { ...good, messages: [{ ...user, role: "wizard" }, answer] }, "INVALID_REQUEST", ["messages.0.role"]],
      ["a dangling parent", { ...good, messages: [user, { ...answer, parent_id: unknown }] }, "INVALID_REQUEST", ["messages.1.parent_id"]],
      ["a cycle", { ...good, messages: [{ ...user, parent_id: answer.id }, answer] }, "INVALID_REQUEST", ["messages.0.parent_id"]],
      ["a repeated id", { ...good, messages: [user, { ...answer, id: user.id }] }, "INVALID_REQUEST", ["messages.1.id", "leaf_id"]],
      ["a missing leaf", { ...good, leaf_id: unknown }, "INVALID_REQUEST", ["leaf_id"]],
      [
        "a compaction naming no message",
        {
          ...good,
          messages: [
            user,
            {
              ...answer,
              role: "compaction",
              content: [
                {
                  type: "compaction",
                  trigger: "manual",
                  pruned_through: null,
                  summarized_through: unknown,
                  summary: "s",
                  tokens_before: 1,
                  tokens_after: 1,
                },
              ],
            },
          ],
        },
        "INVALID_REQUEST",
        ["messages.1.content.0.summarized_through"],
      ],
      ["an OpenAI list without a model", [{ role: "user", content: "hi" }], "INVALID_REQUEST", ["model"]],
      [
        "a tool message answering no call",
        {
          model: "gpt-4.1",
          messages: [
            { role: "user", content: "hi" },
            { role: "tool", tool_call_id: "call_x", content: "out" },
          ],
        },
        "INVALID_REQUEST",
        ["messages.1.tool_call_id"],
      ],
      [
        "arguments that are not an object",
        {
          model: "gpt-4.1",
          messages: [{ role: "assistant", tool_calls: [{ id: "c", function: { name: "read_file", arguments: "[1]" } }] }],
        },
        "INVALID_REQUEST",
        ["messages.0.tool_calls.0.function.arguments"],
      ],
      [
        "an image",
        { model: "gpt-4.1", messages: [{ role: "user", content: [{ type: "image_url" }] }] },
        "INVALID_REQUEST",
        ["messages.0.content.0.type", "messages.0.content"],
      ],
    ];
    for (const [what, body, code, fields] of cases) {
      const answered = await post<{ error: { code: string; fields?: { field: string }[] } }>("/sessions/import", body);
      expect({
        what,
        status: answered.status,
        code: answered.body.error.code,
        fields: (answered.body.error.fields ?? []).map((issue) => issue.field),
      }).toEqual({
        what,
        status: 400,
        code,
        fields,
      });
    }
    const noCredential = await post<{ error: { code: string } }>(`/sessions/import?credential_id=${unknown}`, good);
    expect({ status: noCredential.status, code: noCredential.body.error.code }).toEqual({ status: 404, code: "CREDENTIAL_NOT_FOUND" });
    const tooLarge = await post<{ error: { code: string } }>("/sessions/import", { ...good, padding: "x".repeat(17 * 1024 * 1024) });
    expect({ status: tooLarge.status, code: tooLarge.body.error.code }).toEqual({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect((await client().sessions.list({ status: "all", limit: 500 })).data.length).toBe(countBefore);

    // More than the 1 MiB other routes take is fine here, and a missing credential hint is no obstacle.
    const big = { ...good, session: { ...good.session, credential: { id: unknown, label: "gone" }, system_prompt: "y".repeat(90_000) } };
    big.messages = [user, { ...answer, content: [{ type: "text", text: "z".repeat(2 * 1024 * 1024) }] }];
    const accepted = await post<Session>("/sessions/import", big);
    expect(accepted.status).toBe(201);
    expect(accepted.body.credential_id).toBeNull();
    // A credential of another instance is found here by its label, when one of the provider has it.
    const elsewhere = { ...good, session: { ...good.session, credential: { id: unknown, label: "export refusals" } } };
    expect((await post<Session>("/sessions/import", elsewhere)).body.credential_id).toBe(credential.id);

    expect((await api(`/sessions/${unknown}/export`)).status).toBe(404);
    expect((await api(`/sessions/${session.id}/export?format=pdf`)).status).toBe(400);
  });
});
