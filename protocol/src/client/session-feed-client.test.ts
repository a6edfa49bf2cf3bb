// Proves: the session feed client authenticates like the session socket, reports each changed
// session's id, ignores what it does not understand, says when it (re)connects so the caller can
// reload, reconnects after a drop, and stays closed once closed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE_SESSION } from "../testing/samples.ts";
import { fakeSockets } from "../testing/fake-socket.ts";
import { SessionFeedClient } from "./session-feed-client.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("SessionFeedClient", () => {
  it("reports changed sessions and every (re)connection, until closed", () => {
    vi.useFakeTimers();
    const { sockets, factory } = fakeSockets();
    const changed: string[] = [];
    let opened = 0;
    const feed = new SessionFeedClient({
      baseUrl: "https://maestro.example.com",
      token: "secret-token",
      backoff: { baseMs: 1, maxMs: 1 },
      socketFactory: factory,
      onChange: (id) => changed.push(id),
      onOpen: () => (opened += 1),
    });
    expect(sockets[0]?.url).toBe("wss://maestro.example.com/api/v1/sessions/feed");
    expect(sockets[0]?.protocols).toEqual(["maestro.v1", `maestro.token.${btoa("secret-token").replace(/=+$/, "")}`]);

    sockets[0]?.open();
    sockets[0]?.deliver({ type: "session_changed", session_id: SAMPLE_SESSION.id });
    sockets[0]?.deliver({ type: "something_new", session_id: SAMPLE_SESSION.id });
    sockets[0]?.deliver({ type: "session_changed", session_id: "not an id" });
    expect(changed).toEqual([SAMPLE_SESSION.id]);
    expect(opened).toBe(1);

    sockets[0]?.close(1006);
    vi.advanceTimersByTime(10);
    expect(sockets).toHaveLength(2);
    sockets[1]?.open();
    expect(opened).toBe(2);

    feed.close();
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
  });
});
