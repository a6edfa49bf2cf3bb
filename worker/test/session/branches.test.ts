// Proves, through the API and the socket (Worker → SessionDO → simulators, Postgres underneath):
// editing a past message and regenerating an answer (with another provider too) branch the
// conversation without losing the old branch; the model sees only the branch in use; every
// client follows a switch; a fork copies the branch up to a message into a session of its own,
// and both sessions know of each other; bad requests are refused and change nothing.
import type { BranchSwitched, Message, MessagePage, ProviderId, Session, SessionFork, TurnResult } from "@maestro/protocol";
import { describe, expect, inject, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await api(path, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

async function send(sessionId: string, text: string): Promise<TurnResult> {
  return (await post<TurnResult>(`/sessions/${sessionId}/messages?wait=true`, { text })).body;
}

async function branch(sessionId: string): Promise<Message[]> {
  const page = await (await api(`/sessions/${sessionId}/messages?limit=200`)).json<MessagePage>();
  return page.data.toReversed();
}

const texts = (messages: readonly Message[]) =>
  messages.map((message) => message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""));

/** A second credential, of another provider, playing its own script. */
async function otherCredential(provider: ProviderId, turns: TurnInput[]): Promise<{ id: string; key: string }> {
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(provider);
  await registerScript(simulatorUrl, key, turns);
  const credential = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label: `other ${provider}`,
    api_key: key,
    base_url: provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl,
  });
  return { id: credential.id, key };
}

/** What the model was sent of the conversation, as plain texts per message. */
function sentTexts(body: unknown): string[] {
  const { messages } = body as { messages: { content: string | { type: string; text?: string }[] }[] };
  return messages.map((message) =>
    typeof message.content === "string"
      ? message.content
      : message.content.flatMap((part) => (part.type === "text" && part.text !== undefined ? [part.text] : [])).join(""),
  );
}

describe("branches", () => {
  it("edits a past message into a new branch the model continues from, keeping the old one to switch back to", async () => {
    const { session, key } = await scriptedSession([say("A1"), say("A2"), say("B2"), say("A3")]);
    await send(session.id, "one");
    await send(session.id, "two");
    const [, two] = await branch(session.id).then((messages) => messages.filter((message) => message.role === "user"));
    if (two === undefined) throw new Error("no second message");

    const watcher = await joinSocket(session.id, "tui");
    const edited = await post<TurnResult>(`/sessions/${session.id}/messages/${two.id}/edit?wait=true`, { text: "two, edited" });
    expect(edited.status).toBe(200);
    expect(edited.body.status).toBe("completed");

    // Every client is told the branch changed, then sees the new message with its alternative.
    const switched = await watcher.next("branch");
    expect(texts(switched.messages)).toEqual(["one", "A1"]);
    const userFrame = await watcher.next("message");
    expect(userFrame.message).toMatchObject({ role: "user", parent_id: two.parent_id, siblings: [two.id, userFrame.message.id] });

    const now = await branch(session.id);
    expect(texts(now)).toEqual(["one", "A1", "two, edited", "B2"]);
    expect(now[2]?.siblings).toEqual([two.id, now[2]?.id]);
    // The model saw the branch in use only.
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    expect(sentTexts(requests.at(-1)?.body)).toEqual(["one", "A1", "two, edited"]);

    // Back to the first branch: at its newest message, and the next turn continues it.
    const back = await post<BranchSwitched>(`/sessions/${session.id}/branch`, { message_id: two.id });
    expect(back.status).toBe(200);
    expect(texts(back.body.messages)).toEqual(["one", "A1", "two", "A2"]);
    expect((await watcher.next("branch")).leaf_id).toBe(back.body.leaf_id);
    await send(session.id, "three");
    expect(texts(await branch(session.id))).toEqual(["one", "A1", "two", "A2", "three", "A3"]);
    const last = await recordedRequests(inject("simulatorUrl"), key);
    expect(sentTexts(last.at(-1)?.body)).toEqual(["one", "A1", "two", "A2", "three"]);
    // A fresh client's snapshot shows the branch in use, alternatives marked.
    const fresh = await joinSocket(session.id, "web");
    const snapshot = fresh.received[0];
    if (snapshot?.type !== "snapshot") throw new Error("no snapshot");
    expect(texts(snapshot.messages)).toEqual(["one", "A1", "two", "A2", "three", "A3"]);
    expect(snapshot.messages[2]?.siblings).toHaveLength(2);
    watcher.close();
    fresh.close();
  });

  it("regenerates an answer with another provider for that answer only, the old answer kept beside it", async () => {
    const { session } = await scriptedSession([
      {
        steps: [
          { kind: "thinking", text: "Think first." },
          { kind: "text", text: "Claude's answer." },
        ],
      },
    ]);
    await send(session.id, "question");
    const [, answer] = await branch(session.id);
    if (answer === undefined) throw new Error("no answer");
    const other = await otherCredential("openai", [say("GPT's answer.")]);

    const regenerated = await post<TurnResult>(`/sessions/${session.id}/messages/${answer.id}/regenerate?wait=true`, {
      provider: "openai",
      model: "gpt-4.1",
      credential_id: other.id,
    });
    expect(regenerated.body).toMatchObject({
      status: "completed",
      message: { provider: "openai", model: "gpt-4.1", content: [{ type: "text", text: "GPT's answer." }] },
    });
    const now = await branch(session.id);
    expect(texts(now)).toEqual(["question", "GPT's answer."]);
    expect(now[1]?.siblings).toEqual([answer.id, now[1]?.id]);
    // The other provider was sent the question alone; no Anthropic thinking or signature went to it.
    const [request] = await recordedRequests(inject("simulatorUrl"), other.key);
    expect(sentTexts(request?.body).slice(-1)).toEqual(["question"]);
    expect(request?.raw_body).not.toContain("sim-sig-");
    // The session keeps its own provider.
    expect((await client().sessions.get(session.id)).provider).toBe("anthropic");
  });

  it("branches around a compaction: an edit before it sends the whole older branch, a switch back sends the summary again", async () => {
    const { session, key } = await scriptedSession([say("A1"), say("A2"), say("A3"), say("The summary."), say("B1"), say("A4")]);
    for (const text of ["one", "two", "three"]) await send(session.id, text);
    const compacted = await client().sessions.compact(session.id, {});
    expect(compacted.message.role).toBe("compaction");
    const [one] = await branch(session.id);
    if (one === undefined) throw new Error("no first message");

    const edited = await post<TurnResult>(`/sessions/${session.id}/messages/${one.id}/edit?wait=true`, { text: "one, edited" });
    expect(edited.body.status).toBe("completed");
    const simulatorUrl = inject("simulatorUrl");
    expect(sentTexts((await recordedRequests(simulatorUrl, key)).at(-1)?.body)).toEqual(["one, edited"]);

    // The old branch ends at its compaction: the next turn there starts from the summary.
    await post<BranchSwitched>(`/sessions/${session.id}/branch`, { message_id: one.id });
    expect((await branch(session.id)).at(-1)?.role).toBe("compaction");
    await send(session.id, "four");
    const sent = sentTexts((await recordedRequests(simulatorUrl, key)).at(-1)?.body);
    expect(sent).toEqual([expect.stringContaining("The summary."), "three", "A3", "four"]);
  });

  it("refuses what cannot branch, with the field named, and changes nothing", async () => {
    const { session } = await scriptedSession([say("Only answer.")]);
    await send(session.id, "hello");
    const [user, answer] = await branch(session.id);
    if (user === undefined || answer === undefined) throw new Error("no turn");
    const unknown = crypto.randomUUID();
    const cases: [string, unknown, number, string][] = [
      [`/sessions/${session.id}/messages/${unknown}/edit`, { text: "x" }, 404, "MESSAGE_NOT_FOUND"],
      [`/sessions/${session.id}/messages/${answer.id}/edit`, { text: "x" }, 400, "INVALID_REQUEST"],
      [`/sessions/${session.id}/messages/${user.id}/edit`, { text: "  " }, 400, "INVALID_REQUEST"],
      [`/sessions/${session.id}/messages/${user.id}/regenerate`, {}, 400, "INVALID_REQUEST"],
      [`/sessions/${session.id}/messages/${answer.id}/regenerate`, { provider: "openai" }, 400, "INVALID_REQUEST"],
      [`/sessions/${session.id}/messages/${answer.id}/regenerate`, { credential_id: unknown }, 404, "CREDENTIAL_NOT_FOUND"],
      [`/sessions/${session.id}/branch`, { message_id: unknown }, 404, "MESSAGE_NOT_FOUND"],
      [`/sessions/${session.id}/fork`, { message_id: unknown }, 404, "MESSAGE_NOT_FOUND"],
    ];
    for (const [path, body, status, code] of cases) {
      const answered = await post<{ error: { code: string; fields?: { field: string }[] } }>(path, body);
      expect({ path, status: answered.status, code: answered.body.error.code }).toEqual({ path, status, code });
    }
    expect(texts(await branch(session.id))).toEqual(["hello", "Only answer."]);
  });
});

describe("forks", () => {
  it("copies the branch up to a message into a new session with the same settings, and both know of it", async () => {
    const { session, key } = await scriptedSession([say("A1"), say("A2"), say("Fork answer.")], {
      extra: { approval_mode: "always" },
    });
    await send(session.id, "one");
    await send(session.id, "two");
    const [, first] = await branch(session.id);
    if (first === undefined) throw new Error("no answer");

    const forked = await post<Session>(`/sessions/${session.id}/fork`, { message_id: first.id, title: "Try another way" });
    expect(forked.status).toBe(201);
    expect(forked.body).toMatchObject({
      title: "Try another way",
      provider: session.provider,
      model: session.model,
      credential_id: session.credential_id,
      system_prompt: session.system_prompt,
      approval_mode: "always",
      forked_from: { session_id: session.id, message_id: first.id },
    });
    // What the copied answers cost was spent in the original: the fork starts at nothing spent.
    expect(forked.body.cost_usd).toBe(0);
    expect((await client().sessions.get(session.id)).cost_usd).toBeGreaterThan(0);
    const copied = await branch(forked.body.id);
    expect(texts(copied)).toEqual(["one", "A1"]);
    expect(copied[1]?.cost_usd).toBe(first.cost_usd);
    expect(copied.map((message) => message.id)).not.toContain(first.id);
    expect(copied[1]?.parent_id).toBe(copied[0]?.id);

    const forks = await (await api(`/sessions/${session.id}/forks`)).json<{ data: SessionFork[] }>();
    expect(forks.data).toEqual([
      { session_id: forked.body.id, title: "Try another way", message_id: first.id, created_at: expect.any(String) },
    ]);

    // The fork goes on by itself; the original is untouched.
    await send(forked.body.id, "two, differently");
    expect(texts(await branch(forked.body.id))).toEqual(["one", "A1", "two, differently", "Fork answer."]);
    expect(texts(await branch(session.id))).toEqual(["one", "A1", "two", "A2"]);
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    expect(sentTexts(requests.at(-1)?.body)).toEqual(["one", "A1", "two, differently"]);
  });
});
