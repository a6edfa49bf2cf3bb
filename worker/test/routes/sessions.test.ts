// Proves: sessions can be created (from scratch and from a template), listed with filters,
// read, reconfigured and archived through the public API, against the real database.
import { describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";

describe("sessions", () => {
  it("creates a session with defaults and reads it back", async () => {
    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(session).toMatchObject({
      title: "New session",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: null,
      approval_mode: "ask",
      status: "active",
      activity: "idle",
      enabled_tools: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
      cost_usd: 0,
      presence: { total: 0, web: 0, tui: 0, api: 0 },
      archived_at: null,
    });
    expect(await client().sessions.get(session.id)).toEqual(session);
  });

  it("answers 201 on create", async () => {
    const response = await api("/sessions", { method: "POST", body: JSON.stringify({ provider: "gemini", model: "gemini-2.5-pro" }) });
    expect(response.status).toBe(201);
  });

  it("takes what a template gives and lets the body override it", async () => {
    const credential = await client().credentials.create({
      provider: "openai",
      auth_type: "api_key",
      label: "t",
      api_key: "sk-template-key-123456",
    });
    const template = await client().templates.create({
      name: "Reviewer",
      provider: "openai",
      model: "gpt-5",
      credential_id: credential.id,
      system_prompt: "Review carefully.",
      enabled_tools: ["read_file", "grep"],
      approval_mode: "always",
    });
    const fromTemplate = await client().sessions.create({ template_id: template.id });
    expect(fromTemplate).toMatchObject({
      title: "Reviewer",
      provider: "openai",
      model: "gpt-5",
      credential_id: credential.id,
      system_prompt: "Review carefully.",
      enabled_tools: ["read_file", "grep"],
      approval_mode: "always",
      template_id: template.id,
    });
    const overridden = await client().sessions.create({
      template_id: template.id,
      model: "gpt-5-mini",
      title: "Quick review",
      enabled_tools: null,
    });
    expect(overridden).toMatchObject({ model: "gpt-5-mini", title: "Quick review", enabled_tools: null, provider: "openai" });
  });

  it("refuses enabled_tools naming a tool the registry does not have, naming each, and changes nothing", async () => {
    const title = `tools-${crypto.randomUUID().slice(0, 8)}`;
    const body = { provider: "anthropic", model: "claude-sonnet-4-5", title, enabled_tools: ["read_file", "raed_file", "grep", "nope"] };
    const created = await api("/sessions", { method: "POST", body: JSON.stringify(body) });
    expect(created.status).toBe(400);
    expect(await created.json()).toEqual({
      error: {
        code: "INVALID_REQUEST",
        message: 'No tool named "raed_file", "nope" (GET /tools lists them).',
        fields: [
          { field: "enabled_tools.1", message: 'no tool named "raed_file"' },
          { field: "enabled_tools.3", message: 'no tool named "nope"' },
        ],
      },
    });
    expect((await client().sessions.list({ q: title })).data).toEqual([]);

    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5", enabled_tools: ["read_file"] });
    const patched = await api(`/sessions/${session.id}`, { method: "PATCH", body: JSON.stringify({ enabled_tools: ["grep", "rm_rf"] }) });
    expect(patched.status).toBe(400);
    expect((await client().sessions.get(session.id)).enabled_tools).toEqual(["read_file"]);
    const template = await api("/templates", {
      method: "POST",
      body: JSON.stringify({ name: "t", provider: "openai", model: "gpt-5", enabled_tools: ["nope"] }),
    });
    expect(template.status).toBe(400);
  });

  it("lists active sessions, most recent first, filtered by title", async () => {
    const marker = `needle-${crypto.randomUUID().slice(0, 8)}`;
    const first = await client().sessions.create({ provider: "anthropic", model: "m", title: `${marker} one` });
    const second = await client().sessions.create({ provider: "anthropic", model: "m", title: `${marker} two` });
    await client().sessions.create({ provider: "anthropic", model: "m", title: "haystack" });
    const list = await client().sessions.list({ q: marker });
    expect(list.data.map((session) => session.id)).toEqual([second.id, first.id]);
    const literal = await client().sessions.list({ q: "%" });
    expect(literal.data).toEqual([]);
  });

  it("reconfigures a session", async () => {
    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    const updated = await client().sessions.update(session.id, {
      title: "Renamed",
      model: "claude-opus-4-1",
      approval_mode: "auto",
      working_directory: "/home/dev/project",
    });
    expect(updated).toMatchObject({
      title: "Renamed",
      model: "claude-opus-4-1",
      approval_mode: "auto",
      working_directory: "/home/dev/project",
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(session.updated_at));
    expect(await client().sessions.get(session.id)).toMatchObject({ title: "Renamed", model: "claude-opus-4-1" });
  });

  it("archives a session: gone from the default list, kept under status=archived, refuses messages", async () => {
    const session = await client().sessions.create({ provider: "anthropic", model: "m", title: `archive-${crypto.randomUUID()}` });
    const response = await api(`/sessions/${session.id}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    expect(await client().sessions.get(session.id)).toMatchObject({ status: "archived", archived_at: expect.any(String) });
    expect((await client().sessions.list({ q: session.title })).data).toEqual([]);
    expect((await client().sessions.list({ q: session.title, status: "archived" })).data.map((found) => found.id)).toEqual([session.id]);
    const send = await api(`/sessions/${session.id}/messages`, { method: "POST", body: JSON.stringify({ text: "hello?" }) });
    expect(send.status).toBe(409);
    expect(await send.json()).toMatchObject({ error: { code: "SESSION_ARCHIVED" } });
  });

  it("stores messages sent over the API, with the answers, and pages the history newest first", async () => {
    const { session } = await scriptedSession([say("Answer one."), say("Answer two."), say("Answer three.")]);
    const sent: string[] = [];
    for (const text of ["one", "two", "three"]) {
      const response = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
      expect(response.status).toBe(200);
      const result = await response.json<{ status: string; message: { id: string } }>();
      expect(result.status).toBe("completed");
      sent.push(result.message.id);
    }
    const firstPage = await client().messages.list(session.id, { limit: 2 });
    expect(firstPage.data.map((message) => message.content)).toEqual([
      [{ type: "text", text: "Answer three." }],
      [{ type: "text", text: "three" }],
    ]);
    expect(firstPage.data[0]?.id).toBe(sent[2]);
    const secondPage = await client().messages.list(session.id, { limit: 10, before: firstPage.next_before ?? undefined });
    expect(secondPage.data.map((message) => message.role)).toEqual(["assistant", "user", "assistant", "user"]);
    expect(secondPage.next_before).toBeNull();
  });

  it("searches a session's history by what was said, and pages the matches", async () => {
    const { session } = await scriptedSession([say("The Lighthouse keeper says 50% off."), say("Nothing here."), say("lighthouse again")]);
    for (const text of ["Tell me about the lighthouse.", "Something else.", "And once more."]) {
      expect((await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) })).status).toBe(
        200,
      );
    }
    const texts = (page: { data: { content: unknown[] }[] }) => page.data.map((message) => (message.content[0] as { text: string }).text);
    const first = await client().messages.list(session.id, { q: "LIGHTHOUSE", limit: 2 });
    expect(texts(first)).toEqual(["lighthouse again", "The Lighthouse keeper says 50% off."]);
    const rest = await client().messages.list(session.id, { q: "LIGHTHOUSE", limit: 2, before: first.next_before ?? undefined });
    expect(texts(rest)).toEqual(["Tell me about the lighthouse."]);
    expect(rest.next_before).toBeNull();
    // Words, not the stored structure: "type" is in every part, "%" is a literal.
    expect((await client().messages.list(session.id, { q: "type" })).data).toEqual([]);
    expect(texts(await client().messages.list(session.id, { q: "50%" }))).toEqual(["The Lighthouse keeper says 50% off."]);
    const empty = await api(`/sessions/${session.id}/messages?q=%20`);
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: "INVALID_REQUEST", fields: [expect.objectContaining({ field: "q" })] } });
  });
});
