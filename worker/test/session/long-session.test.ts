// Proves (issue 12 §3, §4, §6): a session far longer than its model's window carries on. The
// simulator enforces the window the way each provider does ("prompt is too long" and the like) and
// reports usage measured from each request; with every turn reading a large file (fetch_url), the
// session compacts — pruning old tool output, then summarising older turns — and every request
// stays inside the window, the full history stays in Postgres, and the next request opens with the
// summary. Also: compacting by hand (with what to keep), and one compaction and retry when the
// provider says the request is too long.
import type { ContentPart, Message, ProviderId, SessionId } from "@maestro/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { messages } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { blobUrl, recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

const PROVIDERS: ProviderId[] = ["anthropic", "openai", "openai_responses", "gemini"];
const MODELS: Partial<Record<ProviderId, string>> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  gemini: "gemini-2.5-pro",
};
/** Turns of the long session (issue 12 asks for 1,000; MAESTRO_LONG_SESSION_TURNS shortens a local run). */
const TURNS = inject("longSessionTurns");
/** The model's window in the simulator and in the session: small, so compaction comes every few turns. */
const WINDOW = 12_000;

/** A turn that reads a 6 KB document and answers: [the call, the answer]. */
function readingTurn(simulatorUrl: string, index: number): TurnInput[] {
  return [
    {
      steps: [
        {
          kind: "tool_calls",
          calls: [{ id: `call_${index}`, name: "fetch_url", args: { url: blobUrl(simulatorUrl, 6000, String(index)) } }],
        },
      ],
    },
    { steps: [{ kind: "text", text: `Read it: this was turn ${index}.` }] },
  ];
}

async function sessionOn(provider: ProviderId, turns: TurnInput[], options: { window?: number; sessionWindow?: number | null } = {}) {
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(`long-${provider}`);
  await registerScript(simulatorUrl, key, turns, {
    context_window: options.window ?? WINDOW,
    usage: "measured",
    answer_summaries: true,
    keep_bodies: 4,
  });
  const credential = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label: "long session",
    api_key: key,
    base_url: provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl,
  });
  const session = await client().sessions.create({
    provider,
    model: MODELS[provider] ?? "model",
    credential_id: credential.id,
    title: "long",
    system_prompt: "You are a test.",
    approval_mode: "auto",
    enabled_tools: ["fetch_url"],
    // Only fetch_url: remote MCP servers other test files register would bring their tool lists
    // (thousands of tokens) into this small window.
    enabled_mcp: [],
    ...(options.sessionWindow !== null && { context_window: options.sessionWindow ?? WINDOW }),
  });
  return { session, key };
}

async function say(sessionId: SessionId, text: string) {
  const response = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
  return response.json<{ status: string; message: Message | null }>();
}

const stored = (sessionId: SessionId) =>
  withDb((db) => db.select({ role: messages.role, content: messages.content }).from(messages).where(eq(messages.sessionId, sessionId)));
type CompactionPart = Extract<ContentPart, { type: "compaction" }>;
const compactionsIn = (rows: { content: ContentPart[] }[]) =>
  rows.flatMap((row) => row.content.filter((part): part is CompactionPart => part.type === "compaction"));

describe("a long session", () => {
  it(
    `runs ${TURNS} turns of large tool outputs inside a ${WINDOW}-token window on every provider, compacting as it goes`,
    async () => {
      const simulatorUrl = inject("simulatorUrl");
      await Promise.all(
        PROVIDERS.map(async (provider) => {
          const script = Array.from({ length: TURNS }, (_, index) => readingTurn(simulatorUrl, index + 1)).flat();
          const { session, key } = await sessionOn(provider, script);
          for (let index = 1; index <= TURNS; index += 1) {
            const result = await say(session.id, `Read document ${index}.`);
            expect(result.status, `${provider} turn ${index}: ${result.message?.error ?? ""}`).toBe("completed");
          }
          // Every request fitted: none was refused as too long (or anything else).
          const requests = await recordedRequests(simulatorUrl, key);
          expect(requests.filter((request) => request.status !== 200).map((request) => request.status)).toEqual([]);
          // The whole record is kept, compactions included.
          const rows = await stored(session.id);
          const count = (role: string) => rows.filter((row) => row.role === role).length;
          expect([count("user"), count("tool")]).toEqual([TURNS, TURNS]);
          expect(count("assistant")).toBe(2 * TURNS);
          const compactions = compactionsIn(rows);
          expect(compactions.some((part) => part.summary !== null)).toBe(true);
          // The last request opened with the latest summary and ended with the last turn's work.
          const last = requests.at(-1)?.raw_body ?? "";
          expect(last).toContain("This conversation continues from earlier turns");
          expect(last).toContain(`Read document ${TURNS}.`);
          // The gauge never shows more than the window.
          const now = await client().sessions.get(session.id);
          expect(now.context.window_tokens).toBe(WINDOW);
          expect(now.context.used_tokens).toBeLessThanOrEqual(WINDOW);
        }),
      );
    },
    30 * 60_000,
  );

  it("compacts by hand, keeping what the person asks for", async () => {
    const simulatorUrl = inject("simulatorUrl");
    const script = [1, 2, 3].flatMap((index) => readingTurn(simulatorUrl, index));
    const { session, key } = await sessionOn("anthropic", script, { window: 200_000, sessionWindow: 200_000 });
    // One turn is all "latest turn": nothing to compact, said plainly, and nothing stored.
    expect((await say(session.id, "Read document 1.")).status).toBe("completed");
    const early = await api(`/sessions/${session.id}/compact`, { method: "POST", body: "{}" });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: "NOTHING_TO_COMPACT" } });
    expect(compactionsIn(await stored(session.id))).toEqual([]);

    // However far under the threshold, a person asking gets everything but the latest turn summarised.
    for (const index of [2, 3]) expect((await say(session.id, `Read document ${index}.`)).status).toBe("completed");
    const compacted = await client().sessions.compact(session.id, { instructions: "the document numbers" });
    expect(compacted.message.content).toEqual([
      expect.objectContaining({
        type: "compaction",
        trigger: "manual",
        summary: expect.stringContaining("Summary:"),
        instructions: "the document numbers",
      }),
    ]);
    const requests = await recordedRequests(simulatorUrl, key);
    expect(requests.at(-1)?.raw_body).toContain("keep this in particular: the document numbers");
    // The summary call is paid for, and counted.
    expect(compacted.message.usage).not.toBeNull();
    const [part] = compactionsIn([{ content: compacted.message.content }]);
    const rows = await withDb((db) =>
      db.select({ id: messages.id, content: messages.content }).from(messages).where(eq(messages.sessionId, session.id)),
    );
    const summarisedThrough = rows.find((row) => row.id === part?.summarized_through);
    expect(JSON.stringify(summarisedThrough?.content)).toContain("this was turn 2");
    expect((await client().sessions.get(session.id)).context.used_tokens).toBeLessThan(
      (await stored(session.id)).reduce((sum, row) => sum + JSON.stringify(row.content).length / 4, 0),
    );
  });

  it("compacts and asks again, once, when the provider says the request is too long", async () => {
    const simulatorUrl = inject("simulatorUrl");
    const script = [1, 2, 3, 4, 5, 6].flatMap((index) => readingTurn(simulatorUrl, index));
    // The session believes the catalog's 200k window; the model behind the credential has far less.
    const { session, key } = await sessionOn("anthropic", script, { window: 9_000, sessionWindow: null });
    for (const index of [1, 2, 3, 4, 5, 6]) {
      const result = await say(session.id, `Read document ${index}.`);
      expect(result.status, result.message?.error ?? "").toBe("completed");
    }
    const requests = await recordedRequests(simulatorUrl, key);
    expect(requests.some((request) => request.status === 400)).toBe(true);
    const compactions = compactionsIn(await stored(session.id));
    expect(compactions.map((part) => part.trigger)).toContain("overflow");
  });
});
