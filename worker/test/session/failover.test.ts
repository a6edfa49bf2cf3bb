// Proves (issue 13 part 6): a session's turn fails over to its next fallback when its model fails
// for good — retries spent on an overloaded provider, or a refused key at once — in the middle of
// a tool loop, and the turn completes there: the fallback's pessimistic simulator, which refuses
// thinking signatures it did not issue, accepts the converted history (tool calls and results
// kept, the other provider's thinking and signatures gone), every stored answer names the
// provider, model and credential that produced it with its own usage and cost, clients hear a
// `failover` event, and the next turn starts on the session's own model again. With no fallback
// left, the turn fails with the error that started it. Bad fallback lists are refused with 400.
import type { Message, ProviderId, Session, StreamEvent } from "@maestro/protocol";
import { describe, expect, inject, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { blobUrl, recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

type Provider = Exclude<ProviderId, "codex">;

const MODELS: Record<Provider, string> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  gemini: "gemini-3-pro-preview",
};

/** A simulator credential playing `turns`. */
async function scriptedCredential(provider: Provider, turns: TurnInput[]) {
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(`failover-${provider}`);
  await registerScript(simulatorUrl, key, turns);
  const credential = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label: `failover ${provider}`,
    api_key: key,
    base_url: provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl,
  });
  return { key, credential };
}

/** The model thinks, says a word, and calls fetch_url: a tool loop with signatures to carry. */
function toolTurn(label: string): TurnInput {
  return {
    steps: [
      { kind: "thinking", text: `I should read the page (${label}).` },
      { kind: "text", text: "Reading the page." },
      { kind: "tool_calls", calls: [{ name: "fetch_url", args: { url: blobUrl(inject("simulatorUrl"), 200, label) } }] },
    ],
  };
}

const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });
const overloaded: TurnInput = { failure: { kind: "overloaded" } };
/** retry.ts asks four times before a retryable failure is final. */
const OVERLOADED_FOR_GOOD = [overloaded, overloaded, overloaded, overloaded];
const revoked: TurnInput = { failure: { kind: "http", status: 401, error_type: "authentication_error" } };

async function session(provider: Provider, credentialId: string, fallbacks: Session["fallbacks"]): Promise<Session> {
  return client().sessions.create({
    provider,
    model: MODELS[provider],
    credential_id: credentialId as Session["credential_id"] & string,
    title: "failover",
    system_prompt: "You are a test.",
    approval_mode: "auto",
    enabled_tools: ["fetch_url"],
    enabled_mcp: [],
    fallbacks,
  });
}

/** Sends and waits; returns the turn's result, its events (as SSE) and the stored messages. */
async function send(sessionId: string, text: string) {
  const response = await api(`/sessions/${sessionId}/messages`, {
    method: "POST",
    body: JSON.stringify({ text }),
    headers: { accept: "text/event-stream" },
  });
  const body = await response.text();
  const frames = body
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => JSON.parse(line.slice(5)) as { type: string; event?: StreamEvent; status?: string });
  const events = frames.flatMap((frame) => (frame.type === "event" && frame.event !== undefined ? [frame.event] : []));
  const end = frames.find((frame) => frame.type === "turn_end");
  const page = await client().messages.list(sessionId as Session["id"], { limit: 50 });
  const messages = [...page.data].sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { status: end?.status, events, messages };
}

const answers = (messages: readonly Message[]) => messages.filter((message) => message.role === "assistant");

describe.each([
  ["anthropic", "openai"],
  ["openai_responses", "anthropic"],
  ["gemini", "anthropic"],
  ["anthropic", "gemini"],
  // Another account of the same provider: its signatures are not ours to send either.
  ["anthropic", "anthropic"],
] as const)("failover from %s to %s mid tool loop", (from, to) => {
  it("completes the turn on the fallback, with the history converted and each answer attributed", async () => {
    const primary = await scriptedCredential(from, [toolTurn(from), ...OVERLOADED_FOR_GOOD, say("Back.")]);
    const fallback = await scriptedCredential(to, [say("Done on the fallback.")]);
    const created = await session(from, primary.credential.id, [
      { provider: to, model: MODELS[to], credential_id: fallback.credential.id },
    ]);
    expect(created.fallbacks).toEqual([{ provider: to, model: MODELS[to], credential_id: fallback.credential.id }]);

    const turn = await send(created.id, "read the page");
    expect(turn.status).toBe("completed");
    const failover = turn.events.find((event) => event.type === "failover");
    expect(failover).toMatchObject({
      from: { provider: from, model: MODELS[from], credential_id: primary.credential.id },
      to: { provider: to, model: MODELS[to], credential_id: fallback.credential.id },
      code: "PROVIDER_UNAVAILABLE",
    });
    // The error it failed over past is not shown as the turn's error.
    expect(turn.events.filter((event) => event.type === "error")).toEqual([]);

    const [first, second] = answers(turn.messages);
    expect(first).toMatchObject({ provider: from, model: MODELS[from], credential_id: primary.credential.id, status: "complete" });
    expect(first?.content.some((part) => part.type === "tool_call")).toBe(true);
    expect(second).toMatchObject({ provider: to, model: MODELS[to], credential_id: fallback.credential.id, status: "complete" });
    expect(second?.content).toContainEqual(expect.objectContaining({ type: "text", text: "Done on the fallback." }));
    // Usage and cost are the fallback's own, priced at its model.
    expect(second?.usage?.input_tokens).toBeGreaterThan(0);
    expect(second?.cost_usd).not.toBeNull();
    const results = turn.messages.filter((message) => message.role === "tool").flatMap((message) => message.content);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ type: "tool_result", ok: true });

    const simulatorUrl = inject("simulatorUrl");
    const [sentToFallback] = await recordedRequests(simulatorUrl, fallback.key);
    expect(sentToFallback?.status).toBe(200);
    // No signature or thinking of the primary travelled, and the tool's output did.
    expect(sentToFallback?.raw_body).not.toContain("sim-sig-");
    expect(sentToFallback?.raw_body).not.toContain(`I should read the page (${from})`);
    expect(sentToFallback?.raw_body).toContain("Reading the page.");
    const toolCall = first?.content.find((part) => part.type === "tool_call");
    if (toolCall?.type === "tool_call" && /^[A-Za-z0-9_-]{1,40}$/.test(toolCall.call_id))
      expect(sentToFallback?.raw_body).toContain(toolCall.call_id);

    // The next turn starts on the session's own model, which takes the mixed history.
    const next = await send(created.id, "again");
    expect(next.status).toBe("completed");
    expect(answers(next.messages).at(-1)).toMatchObject({ provider: from, credential_id: primary.credential.id });
    const sentToPrimary = await recordedRequests(simulatorUrl, primary.key);
    expect(sentToPrimary.map((request) => request.status)).toEqual([
      200,
      ...OVERLOADED_FOR_GOOD.map(() => (from === "anthropic" ? 529 : 503)),
      200,
    ]);
  });
});

describe("failover", () => {
  it("moves on at once from a refused key, without retrying it", async () => {
    const primary = await scriptedCredential("anthropic", [toolTurn("revoked"), revoked]);
    const fallback = await scriptedCredential("openai_responses", [say("Fine.")]);
    const created = await session("anthropic", primary.credential.id, [
      { provider: "openai_responses", model: MODELS.openai_responses, credential_id: fallback.credential.id },
    ]);
    const turn = await send(created.id, "go");
    expect(turn.status).toBe("completed");
    expect(turn.events.find((event) => event.type === "failover")).toMatchObject({ code: "PROVIDER_AUTH" });
    expect((await recordedRequests(inject("simulatorUrl"), primary.key)).map((request) => request.status)).toEqual([200, 401]);
    expect(answers(turn.messages).at(-1)).toMatchObject({ provider: "openai_responses", status: "complete" });
  });

  it("tries the fallbacks in order, and with none left fails the turn with the error that started it", async () => {
    const primary = await scriptedCredential("anthropic", [toolTurn("exhausted"), ...OVERLOADED_FOR_GOOD]);
    const second = await scriptedCredential("openai", [revoked]);
    const third = await scriptedCredential("gemini", OVERLOADED_FOR_GOOD);
    const created = await session("anthropic", primary.credential.id, [
      { provider: "openai", model: MODELS.openai, credential_id: second.credential.id },
      { provider: "gemini", model: MODELS.gemini, credential_id: third.credential.id },
    ]);
    const turn = await send(created.id, "go");
    expect(turn.status).toBe("failed");
    const failovers = turn.events.filter((event) => event.type === "failover");
    expect(failovers.map((event) => [event.from.provider, event.to.provider, event.code])).toEqual([
      ["anthropic", "openai", "PROVIDER_UNAVAILABLE"],
      ["openai", "gemini", "PROVIDER_AUTH"],
    ]);
    const errors = turn.events.filter((event) => event.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(errors[0]?.type === "error" && errors[0].message).toMatch(
      /^Anthropic answered HTTP 529.*Every fallback failed too; the last, gemini-3-pro-preview: Gemini answered HTTP 503/s,
    );
    const last = answers(turn.messages).at(-1);
    expect(last).toMatchObject({ status: "error", provider: "anthropic", credential_id: primary.credential.id });
  });
});

describe("fallback settings", () => {
  it("are validated on create and PATCH: 400 naming each bad field, and nothing changes", async () => {
    const anthropic = await scriptedCredential("anthropic", [say("unused")]);
    const openai = await scriptedCredential("openai", [say("unused")]);
    const mismatch = await api("/sessions", {
      method: "POST",
      body: JSON.stringify({
        provider: "anthropic",
        model: MODELS.anthropic,
        credential_id: anthropic.credential.id,
        fallbacks: [
          { provider: "gemini", model: "gemini-2.5-pro", credential_id: openai.credential.id },
          { provider: "openai", model: "gpt-4.1" },
          { provider: "openai", model: "gpt-4.1", credential_id: crypto.randomUUID() },
        ],
      }),
    });
    expect(mismatch.status).toBe(400);
    const body = await mismatch.json<{ error: { code: string; fields: { field: string }[] } }>();
    expect(body.error.code).toBe("INVALID_REQUEST");
    expect(body.error.fields.map((issue) => issue.field)).toEqual([
      "fallbacks.0.credential_id",
      "fallbacks.1.credential_id",
      "fallbacks.2.credential_id",
    ]);

    const created = await session("anthropic", anthropic.credential.id, [{ provider: "anthropic", model: "claude-haiku-4-5" }]);
    expect(created.fallbacks).toEqual([{ provider: "anthropic", model: "claude-haiku-4-5" }]);
    const patched = await api(`/sessions/${created.id}`, {
      method: "PATCH",
      body: JSON.stringify({ title: "changed", fallbacks: [{ provider: "openai", model: "gpt-4.1" }] }),
    });
    expect(patched.status).toBe(400);
    expect(await client().sessions.get(created.id)).toMatchObject({ title: "failover", fallbacks: created.fallbacks });
    const shape = await api(`/sessions/${created.id}`, { method: "PATCH", body: JSON.stringify({ fallbacks: [{ provider: "openai" }] }) });
    expect(shape.status).toBe(400);

    const ok = await client().sessions.update(created.id, {
      fallbacks: [{ provider: "openai", model: "gpt-4.1", credential_id: openai.credential.id }],
    });
    expect(ok.fallbacks).toEqual([{ provider: "openai", model: "gpt-4.1", credential_id: openai.credential.id }]);
  });

  it("come with a template into the sessions made from it", async () => {
    const anthropic = await scriptedCredential("anthropic", [say("unused")]);
    const openai = await scriptedCredential("openai", [say("unused")]);
    const fallbacks = [{ provider: "openai" as const, model: "gpt-4.1", credential_id: openai.credential.id }];
    const template = await client().templates.create({
      name: "with fallbacks",
      provider: "anthropic",
      model: MODELS.anthropic,
      credential_id: anthropic.credential.id,
      fallbacks,
    });
    expect(template.fallbacks).toEqual(fallbacks);
    const made = await client().sessions.create({ template_id: template.id });
    expect(made.fallbacks).toEqual(fallbacks);
  });
});
