// Proves: a session's Durable Object can be evicted between messages (its sockets hibernated)
// and a fresh instance carries on: the sockets stay open and joined, seq keeps counting, and a
// resume still replays from the log. After a turn, every client gets the session's new totals.
import { PROTOCOL_VERSION } from "@maestro/protocol";
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionDO } from "../../src/session/session-do.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket } from "../helpers/socket.ts";

describe("hibernation", () => {
  it("keeps sockets, presence and numbering across an eviction", async () => {
    const { session } = await scriptedSession([say("First answer."), say("Second answer.")]);
    const stub = env.SESSION.get(env.SESSION.idFromName(session.id));
    const web = await joinSocket(session.id, "web");
    const tui = await joinSocket(session.id, "tui");
    await web.next("presence");
    web.send({ type: "send", text: "before eviction" });
    const [before] = await Promise.all([tui.next("message"), web.next("message")]);
    await Promise.all([tui.next("turn_end"), web.next("turn_end")]);
    // After each turn the session's new totals go out too; that is the last frame before eviction.
    const [lastBefore] = await Promise.all([tui.next("session_update"), web.next("session_update")]);
    expect(lastBefore.session.usage.output_tokens).toBeGreaterThan(0);
    expect(lastBefore.session.cost_usd).toBeGreaterThan(0);

    const instanceBefore = await runInDurableObject(stub, (instance: SessionDO) => instance);
    await evictDurableObject(stub, { webSockets: "hibernate" });

    tui.send({ type: "send", text: "after eviction" });
    const [onWeb, onTui] = await Promise.all([web.next("message"), tui.next("message")]);
    expect(onWeb.message.content).toEqual([{ type: "text", text: "after eviction" }]);
    expect(onTui.seq).toBe(lastBefore.seq + 1);
    const ended = await web.next("turn_end");
    expect(ended.message?.content).toEqual([{ type: "text", text: "Second answer." }]);
    const instanceAfter = await runInDurableObject(stub, (instance: SessionDO) => instance);
    expect(instanceAfter).not.toBe(instanceBefore);
    expect(await runInDurableObject(stub, (instance: SessionDO) => instance.presence())).toEqual({ total: 2, web: 1, tui: 1, api: 0 });

    // The log survived too: a client resuming from before the eviction gets both user messages.
    const late = await openSocket(session.id);
    late.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "api", since: before.seq - 1 });
    const userMessages: string[] = [];
    for (;;) {
      const frame = await late.next();
      if (frame.type === "message" && frame.message.role === "user") userMessages.push(JSON.stringify(frame.message.content));
      if (frame.type === "turn_end" && frame.seq === ended.seq) break;
    }
    expect(userMessages).toEqual([
      JSON.stringify([{ type: "text", text: "before eviction" }]),
      JSON.stringify([{ type: "text", text: "after eviction" }]),
    ]);
    web.close();
    tui.close();
    late.close();
  });

  it("answers keep-alives on a hibernated socket", async () => {
    const { session } = await scriptedSession([say("hi")]);
    const stub = env.SESSION.get(env.SESSION.idFromName(session.id));
    const web = await joinSocket(session.id, "web");
    await evictDurableObject(stub, { webSockets: "hibernate" });
    web.send({ type: "ping" });
    expect(await web.next("pong")).toEqual({ type: "pong" });
    web.close();
  });
});
