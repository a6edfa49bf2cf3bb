// Proves: credentials can be created (with or without base_url), listed and deleted; the API key
// is stored sealed and never appears in any response body or any log line, only its hint; and a
// credential can be tested against its provider without storing anything.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eq } from "drizzle-orm";
import { savedAuthentications } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { rowCounts, withDb } from "../helpers/db.ts";
import { type CapturedLogs, captureLogs } from "../helpers/logs.ts";
import { say } from "../helpers/scripted-session.ts";
import { recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";

const SECRET = "sk-ant-api03-SECRET-do-not-leak-7f3a9c2e1b4d";
const OTHER_SECRET = "sk-proj-SECRET-other-key-5e8d1a2b";
const bodies: string[] = [];
let logs: CapturedLogs;

/** Every response body this file sees is kept, to be searched for the secrets at the end. */
async function recorded(response: Promise<Response>): Promise<Response> {
  const result = await response;
  bodies.push(await result.clone().text());
  return result;
}

beforeAll(() => {
  logs = captureLogs();
});

afterAll(() => {
  logs.stop();
});

describe("credentials", () => {
  let anthropicId = "";

  it("stores an API key and answers with a hint only", async () => {
    const response = await recorded(
      api("/credentials", {
        method: "POST",
        body: JSON.stringify({ provider: "anthropic", auth_type: "api_key", label: "work", api_key: SECRET }),
      }),
    );
    expect(response.status).toBe(201);
    const credential = await response.json<Record<string, unknown>>();
    expect(credential).toMatchObject({
      provider: "anthropic",
      auth_type: "api_key",
      label: "work",
      hint: "…1b4d",
      base_url: null,
      is_enabled: true,
    });
    expect(Object.keys(credential)).not.toContain("api_key");
    anthropicId = String(credential.id);
  });

  it("keeps a base_url for OpenAI-compatible servers", async () => {
    const response = await recorded(
      api("/credentials", {
        method: "POST",
        body: JSON.stringify({
          provider: "openai",
          auth_type: "api_key",
          label: "local vLLM",
          api_key: OTHER_SECRET,
          base_url: "http://127.0.0.1:8000/v1",
        }),
      }),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ base_url: "http://127.0.0.1:8000/v1", hint: "…1a2b" });
  });

  it("stores the key sealed in a key-versioned envelope, not in plain text", async () => {
    const [row] = await withDb((db) => db.select().from(savedAuthentications).where(eq(savedAuthentications.id, anthropicId)));
    expect(row?.secret).toMatch(/^mae1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(row?.secret).not.toContain("SECRET");
  });

  it("lists credentials without their secrets", async () => {
    const response = await recorded(api("/credentials"));
    expect(response.status).toBe(200);
    const { data } = await response.json<{ data: { id: string }[] }>();
    expect(data.map((credential) => credential.id)).toContain(anthropicId);
  });

  it("renames and disables a credential", async () => {
    const updated = await client().credentials.update(anthropicId as never, { label: "personal", is_enabled: false });
    expect(updated).toMatchObject({ label: "personal", is_enabled: false });
  });

  it("deletes a credential, and a second delete is a 404", async () => {
    const first = await recorded(api(`/credentials/${anthropicId}`, { method: "DELETE" }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: anthropicId, deleted: true });
    const second = await recorded(api(`/credentials/${anthropicId}`, { method: "DELETE" }));
    expect(second.status).toBe(404);
  });

  it("never shows a secret in a response body or a log line", async () => {
    await recorded(api("/openapi.json"));
    expect(bodies.length).toBeGreaterThan(5);
    // The run did log (one line per request at least), so the search below searched something.
    expect(logs.lines.some((line) => line.includes('"event":"credential.created"'))).toBe(true);
    for (const text of [...bodies, ...logs.lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(OTHER_SECRET);
      expect(text).not.toContain("SECRET");
    }
  });
});

describe("testing a credential", () => {
  it("asks the provider for a word: ok with a working key, a clear refusal with a wrong one, nothing stored", async () => {
    const simulatorUrl = inject("simulatorUrl");
    const working = scriptKey("anthropic");
    await registerScript(simulatorUrl, working, [say("OK")]);
    const good = await client().credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "probe",
      api_key: working,
      base_url: simulatorUrl,
    });
    const before = await rowCounts();
    const passed = await api(`/credentials/${good.id}/test`, { method: "POST" });
    expect(await passed.json()).toMatchObject({ ok: true, message: "anthropic answered (claude-haiku-4-5)." });
    const [request] = await recordedRequests(simulatorUrl, working);
    expect((request?.body as { model: string }).model).toBe("claude-haiku-4-5");

    const bad = await client().credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "probe",
      api_key: "sk-ant-not-known-000",
      base_url: simulatorUrl,
    });
    const failed = await api(`/credentials/${bad.id}/test`, { method: "POST" });
    const body = await failed.json<{ ok: boolean; message: string }>();
    expect(body.ok).toBe(false);
    expect(body.message.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain("sk-ant-not-known-000");
    const after = await rowCounts();
    expect(after.messages).toBe(before.messages);
  });
});
