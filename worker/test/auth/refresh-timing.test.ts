// Proves: when a Codex token is refreshed, pinned at the edges DESIGN §2 promises. Before each
// provider call a token expiring within 5 minutes is refreshed first (at ~4 minutes, and not at
// ~6), and that holds for every model call of a turn, not only its first: a token that crosses
// the mark while the turn waits on an approval is refreshed before the next call, which goes out
// with the new token. The Cron Trigger refreshes what expires within 10 minutes (at ~9, not ~11).
//
// Time passing is simulated by moving Date.now forward: the Worker, its Durable Objects and this
// test share one isolate (helpers/logs.ts relies on the same), so they all see the same clock.
import type { CredentialId } from "@maestro/protocol";
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { api, client } from "../helpers/api.ts";
import { credentialNow, loginCodex, refreshesFor, setMode, storedTokens } from "../helpers/oauth-sim.ts";
import { say } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests, registerScript } from "../simulators/client.ts";

const MINUTE = 60_000;

afterEach(async () => {
  vi.restoreAllMocks();
  await setMode({});
});

/** A fresh account per test: the simulator keys scripts, requests and refreshes by it. */
const account = (label: string) => `acct-${label}-${crypto.randomUUID().slice(0, 8)}`;

function bearerOf(request: { headers: [string, string][] } | undefined): string | undefined {
  return request?.headers.find(([name]) => name.toLowerCase() === "authorization")?.[1].replace(/^Bearer /, "");
}

async function codexSession(credentialId: CredentialId, approvalMode: "auto" | "ask" = "auto") {
  return client().sessions.create({ provider: "codex", model: "gpt-5.5", credential_id: credentialId, approval_mode: approvalMode });
}

async function sendAndWait(sessionId: string): Promise<unknown> {
  const response = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hello" }) });
  return response.json();
}

async function runCron(): Promise<void> {
  const context = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env, context);
  await waitOnExecutionContext(context);
}

describe("before a provider call", () => {
  it("refreshes a token that expires in about 4 minutes, and the call carries the new one", async () => {
    const id = account("precall-4m");
    const credential = await loginCodex(id, { expiresIn: 4 * 60 });
    const before = await storedTokens(credential.id);
    await registerScript(inject("simulatorUrl"), id, [say("Fresh.")]);
    expect(await sendAndWait((await codexSession(credential.id)).id)).toMatchObject({ status: "completed" });

    expect(await refreshesFor(id)).toHaveLength(1);
    const after = await storedTokens(credential.id);
    expect(after?.access_token).not.toBe(before?.access_token);
    const [call] = await recordedRequests(inject("simulatorUrl"), id);
    expect(bearerOf(call)).toBe(after?.access_token);
  });

  it("leaves a token that expires in about 6 minutes alone", async () => {
    const id = account("precall-6m");
    const credential = await loginCodex(id, { expiresIn: 6 * 60 });
    const before = await storedTokens(credential.id);
    await registerScript(inject("simulatorUrl"), id, [say("Still good.")]);
    expect(await sendAndWait((await codexSession(credential.id)).id)).toMatchObject({ status: "completed" });

    expect(await refreshesFor(id)).toHaveLength(0);
    expect(await storedTokens(credential.id)).toEqual(before);
    const [call] = await recordedRequests(inject("simulatorUrl"), id);
    expect(bearerOf(call)).toBe(before?.access_token);
  });

  it("refreshes mid-turn when the token crosses the mark between two model calls", async () => {
    const id = account("midturn");
    // 7 minutes: the turn's first call needs no refresh.
    const credential = await loginCodex(id, { expiresIn: 7 * 60 });
    const first = await storedTokens(credential.id);
    const writeCall = { id: "call_w1", name: "write_file", args: { path: "notes.md", content: "x" } };
    await registerScript(inject("simulatorUrl"), id, [{ steps: [{ kind: "tool_calls", calls: [writeCall] }] }, say("Done.")]);
    const session = await codexSession(credential.id, "ask");
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    await web.next("approval_request");
    expect(await refreshesFor(id)).toHaveLength(0);

    // The user takes three minutes to approve: the token now expires in about 4.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + 3 * MINUTE);
    web.send({ type: "approve", call_id: "call_w1", decision: "approve" });
    expect((await web.next("turn_end")).status).toBe("completed");
    web.close();

    expect(await refreshesFor(id)).toHaveLength(1);
    const refreshed = await storedTokens(credential.id);
    expect(refreshed?.access_token).not.toBe(first?.access_token);
    const [one, two] = await recordedRequests(inject("simulatorUrl"), id);
    expect(bearerOf(one)).toBe(first?.access_token);
    expect(bearerOf(two)).toBe(refreshed?.access_token);
  });
});

describe("the Cron Trigger's horizon", () => {
  it("refreshes a token that expires in about 9 minutes, and leaves one at about 11 alone", async () => {
    const [dueId, laterId] = [account("cron-9m"), account("cron-11m")];
    const due = await loginCodex(dueId, { expiresIn: 9 * 60 });
    const later = await loginCodex(laterId, { expiresIn: 11 * 60 });
    const [dueBefore, laterBefore] = [await storedTokens(due.id), await storedTokens(later.id)];
    await runCron();

    expect(await refreshesFor(dueId)).toHaveLength(1);
    expect((await storedTokens(due.id))?.access_token).not.toBe(dueBefore?.access_token);
    expect(Date.parse((await credentialNow(due.id))?.expires_at ?? "") - Date.now()).toBeGreaterThan(55 * MINUTE);

    expect(await refreshesFor(laterId)).toHaveLength(0);
    expect(await storedTokens(later.id)).toEqual(laterBefore);
    expect((await credentialNow(later.id))?.expires_at).toBe(later.expires_at);
  });
});
