// Proves, as a user meets it through the public API: a session title, a credential label, a
// template's name and description and an agent's name may hold NUL, lone surrogates, RTL
// overrides and zero-width joiners; they are stored and returned exactly, edited, and searched
// for (?q=) without a 500. A message holding NUL and a lone surrogate runs its turn, is stored
// exactly, reaches the model exactly, and the session takes the next message as usual.
import { type SessionId } from "@maestro/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { messages } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { recordedRequests } from "../simulators/client.ts";

/** NUL, a lone high surrogate, RTL override, zero-width joiner, and the escape character U+E000. */
const AWKWARD = "a\u0000b \uD800 \u202Eevil.txt \u200D \uE000";

/** `?q=` as a query string. URLs carry UTF-8, so a lone surrogate is sent as its (invalid) 3-byte form. */
function titleQuery(q: string): string {
  return `q=${[...q].map((character) => (/^[\uD800-\uDFFF]$/.test(character) ? percentBytes(character) : encodeURIComponent(character))).join("")}`;
}

function percentBytes(surrogate: string): string {
  const code = surrogate.charCodeAt(0);
  return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
    .map((byte) => `%${byte.toString(16).toUpperCase()}`)
    .join("");
}

async function sessionIds(query: string): Promise<{ status: number; ids: string[] }> {
  const response = await api(`/sessions?${query}`);
  const body = await response.json<{ data?: { id: string }[] }>();
  return { status: response.status, ids: (body.data ?? []).map((session) => session.id) };
}

describe("free text through the API", () => {
  it("keeps a session title exactly, through create, read, rename and search", async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const title = `${marker} ${AWKWARD}`;
    const created = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5", title, system_prompt: AWKWARD });
    expect(created.title).toBe(title);
    expect(created.system_prompt).toBe(AWKWARD);
    expect((await client().sessions.get(created.id)).title).toBe(title);

    // Searched by a substring holding NUL, by RTL and ZWJ, by U+E000, and by % (a literal).
    expect(await sessionIds(titleQuery(`${marker} a\u0000b`))).toEqual({ status: 200, ids: [created.id] });
    expect(await sessionIds(`q=${marker}%20a%00`)).toEqual({ status: 200, ids: [created.id] });
    expect(await sessionIds(titleQuery(`\u202Eevil.txt \u200D \uE000`))).toMatchObject({
      status: 200,
      ids: expect.arrayContaining([created.id]),
    });
    expect(await sessionIds(titleQuery(`${marker} %`))).toEqual({ status: 200, ids: [] });
    // A lone surrogate cannot travel in a URL; its bytes are invalid UTF-8. An answer, not a 500.
    expect((await sessionIds(titleQuery(`${marker} a\u0000b \uD800`))).status).toBe(200);
    // A NUL alone, or a NUL that no title holds: an answer, not a 500.
    expect((await sessionIds("q=%00")).status).toBe(200);
    expect(await sessionIds(titleQuery(`${marker}\u0000nothing`))).toEqual({ status: 200, ids: [] });

    const renamed = `${marker} renamed \uDC00\u0000\u200D\u202E`;
    const updated = await client().sessions.update(created.id, { title: renamed, working_directory: `/tmp/${AWKWARD}` });
    expect(updated).toMatchObject({ title: renamed, working_directory: `/tmp/${AWKWARD}` });
    expect(await client().sessions.get(created.id)).toMatchObject({ title: renamed, working_directory: `/tmp/${AWKWARD}` });
    expect(await sessionIds(titleQuery(`${marker} renamed`))).toEqual({ status: 200, ids: [created.id] });
  });

  it("keeps a credential label exactly", async () => {
    const label = `key ${AWKWARD}`;
    const credential = await client().credentials.create({
      provider: "openai",
      auth_type: "api_key",
      label,
      api_key: "sk-awkward-0123456789",
    });
    expect(credential.label).toBe(label);
    expect((await client().credentials.list()).data.find((found) => found.id === credential.id)?.label).toBe(label);
    const relabelled = `relabelled \uD800\u0000`;
    expect((await client().credentials.update(credential.id, { label: relabelled })).label).toBe(relabelled);
    expect((await client().credentials.list()).data.find((found) => found.id === credential.id)?.label).toBe(relabelled);
    await client().credentials.delete(credential.id);
  });

  it("keeps a template's name, description and system prompt exactly, and a session made from it takes them", async () => {
    const template = await client().templates.create({
      name: `Reviewer ${AWKWARD}`,
      description: `Reviews ${AWKWARD}`,
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      system_prompt: `Be careful with ${AWKWARD}`,
    });
    expect(await client().templates.get(template.id)).toMatchObject({
      name: `Reviewer ${AWKWARD}`,
      description: `Reviews ${AWKWARD}`,
      system_prompt: `Be careful with ${AWKWARD}`,
    });
    const renamed = await client().templates.update(template.id, { name: `Renamed \uDFFF\u0000` });
    expect(renamed.name).toBe(`Renamed \uDFFF\u0000`);
    const session = await client().sessions.create({ template_id: template.id });
    expect(session).toMatchObject({ title: `Renamed \uDFFF\u0000`, system_prompt: `Be careful with ${AWKWARD}` });
    await client().templates.delete(template.id);
  });

  it("keeps a local agent's name exactly", async () => {
    const agent = await client().agents.create({ name: `laptop ${AWKWARD}` });
    expect(agent.name).toBe(`laptop ${AWKWARD}`);
    expect((await client().agents.list()).data.find((found) => found.id === agent.id)?.name).toBe(`laptop ${AWKWARD}`);
    expect((await client().agents.update(agent.id, { name: `desk \u0000` })).name).toBe(`desk \u0000`);
    await client().agents.delete(agent.id);
  });
});

describe("a message holding NUL and a lone surrogate", () => {
  const storedUserTexts = (sessionId: SessionId) =>
    withDb(async (db) => {
      const rows = await db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(messages.createdAt);
      return rows.filter((row) => row.role === "user").map((row) => row.content);
    });

  it("runs its turn, is stored exactly, and the next message runs too", async () => {
    const { session, key } = await scriptedSession([say("Got it."), say("Still here.")]);
    const text = `look at this: ${AWKWARD} \uDC00 end`;
    const first = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      status: "completed",
      message: { role: "assistant", content: [{ type: "text", text: "Got it." }] },
    });

    const second = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "and again" }) });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "Still here." }] } });

    expect(await storedUserTexts(session.id)).toEqual([[{ type: "text", text }], [{ type: "text", text: "and again" }]]);
    const history = (await client().messages.list(session.id)).data;
    expect(history.map((message) => message.role)).toEqual(["assistant", "user", "assistant", "user"]);
    expect(history[3]?.content).toEqual([{ type: "text", text }]);

    // The model was given the text exactly, on its own turn and again from the stored history.
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(JSON.stringify(request.body)).toContain(JSON.stringify(text).slice(1, -1));
  });
});
