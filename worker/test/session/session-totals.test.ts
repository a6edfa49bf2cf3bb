// Proves (issue 15): after every turn each client is told the session's new totals — tokens, cost,
// context size, last activity — and they are what Postgres then holds (GET /sessions/:id), though
// the object counts them as it stores its messages rather than reading them back every turn:
// across a reconfiguration, an edit that branches, and a switch back (which make it read again).
import type { Session, SessionId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";

const totalsOf = (session: Session) => ({
  usage: session.usage,
  cost_usd: session.cost_usd,
  context: session.context,
  last_activity_at: session.last_activity_at,
  updated_at: session.updated_at,
});

describe("the session's totals after a turn", () => {
  it("are sent to every client after each turn and match what Postgres then holds", async () => {
    const replies = Array.from({ length: 6 }, (_, index) => ({
      ...say(`Reply ${index + 1}: ${"words ".repeat(20 * (index + 1))}`),
      usage: { input_tokens: 1000 * (index + 1), output_tokens: 77 * (index + 1), cache_read_tokens: 333, cache_write_tokens: 11 },
    }));
    const { session } = await scriptedSession(replies);
    const sessionId: SessionId = session.id;
    const web = await joinSocket(sessionId, "web");
    const tui = await joinSocket(sessionId, "tui");
    const seen: Session[] = [];
    const turn = async (text: string) => {
      web.send({ type: "send", text });
      await web.next("turn_end");
      const [fromWeb, fromTui] = await Promise.all([web.next("session_update"), tui.next("session_update")]);
      expect(fromTui.session).toEqual(fromWeb.session);
      const stored = await client().sessions.get(sessionId);
      expect(totalsOf(fromWeb.session)).toEqual(totalsOf(stored));
      seen.push(fromWeb.session);
    };
    await turn("one");
    await turn("two");
    await turn("three");
    // A reconfiguration: the totals are read again, then counted on.
    web.send({ type: "configure", changes: { title: "renamed" } });
    expect((await web.next("session_update")).session.title).toBe("renamed");
    await tui.next("session_update");
    await turn("four");
    // An edit of the first message: the conversation branches, and the totals count both branches.
    const firstUser = (await client().messages.list(sessionId)).data
      .filter((message) => message.role === "user")
      .sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
    await client().messages.edit(sessionId, firstUser!.id, { text: "one, again" });
    await web.next("turn_end");
    const [afterEdit] = await Promise.all([web.next("session_update"), tui.next("session_update")]);
    expect(totalsOf(afterEdit.session)).toEqual(totalsOf(await client().sessions.get(sessionId)));
    // Back to the long branch: its context, not the short one's, as Postgres holds it.
    const longLeaf = seen.at(-1)!;
    const { messages: longBranch } = await client().sessions.switchBranch(sessionId, firstUser!.id);
    expect(longBranch.length).toBeGreaterThan(0);
    const [afterSwitch] = await Promise.all([web.next("session_update"), tui.next("session_update")]);
    const stored = await client().sessions.get(sessionId);
    expect(totalsOf(afterSwitch.session)).toEqual(totalsOf(stored));
    expect(afterSwitch.session.context.used_tokens).toBe(longLeaf.context.used_tokens);
    await turn("five");
    const [first, , third, , fifth] = seen;
    // Each turn added its usage and cost; a sum of 8-decimal costs stays exact.
    expect(third!.usage.input_tokens - first!.usage.input_tokens).toBe(2000 + 3000);
    expect(fifth!.usage.output_tokens).toBe(77 * (1 + 2 + 3 + 4 + 5 + 6));
    expect(fifth!.cost_usd).toBeGreaterThan(third!.cost_usd);
    expect(fifth!.context.used_tokens).toBeGreaterThan(first!.context.used_tokens);
    web.close();
    tui.close();
  });
});
