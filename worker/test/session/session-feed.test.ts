// Proves: the session feed tells a session list, as it happens, about every change it shows — a
// session created, a client joining it, a turn starting and ending, a rename, an archive — and
// what GET /sessions answers right after an announcement already shows the change. The feed is
// refused without the API token, and a plain GET gets 426.
import { describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { feedResponse, openFeed } from "../helpers/feed.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";

async function listed(sessionId: string) {
  const found = (await client().sessions.list()).data.find((session) => session.id === sessionId);
  if (found === undefined) throw new Error(`session ${sessionId} is not listed`);
  return found;
}

describe("the session feed", () => {
  it("announces each change a session list shows, and the list already shows it", async () => {
    const feed = await openFeed();
    try {
      const { session } = await scriptedSession([say("Hello from the feed test.")]);
      await feed.nextFor(session.id);

      const watcher = await joinSocket(session.id, "tui");
      await feed.nextFor(session.id);
      expect((await listed(session.id)).presence).toMatchObject({ total: 1, tui: 1 });

      const sent = await api(`/sessions/${session.id}/messages`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
      expect(sent.status).toBe(202);
      await watcher.next("turn_end");
      // The turn's start and end are announced (as one, when the turn was quicker than the
      // session's feed delay): after one of them, the list shows the turn's totals, and idle.
      for (;;) {
        await feed.nextFor(session.id);
        const now = await listed(session.id);
        if (now.activity === "idle" && now.cost_usd > 0) break;
      }

      await client().sessions.update(session.id, { title: "Renamed live" });
      await feed.nextFor(session.id);
      expect((await listed(session.id)).title).toBe("Renamed live");

      watcher.close();
      await feed.nextFor(session.id);
      await client().sessions.archive(session.id);
      await feed.nextFor(session.id);
    } finally {
      feed.close();
    }
  });

  it("needs the API token and a WebSocket", async () => {
    const refused = await feedResponse(null);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const plain = await api("/sessions/feed");
    expect(plain.status).toBe(426);
  });
});
