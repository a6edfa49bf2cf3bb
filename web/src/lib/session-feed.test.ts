// Proves: everything on a page that follows the session feed shares one socket — each follower
// hears every change meant for it and every (re)connect, stopping twice is harmless, followers
// that leave and come back within one task (a re-render) keep the socket, and it closes after the
// last follower leaves (and a new one opens for the next).
import { type FakeSocket, fakeSockets } from "@maestro/protocol/testing/fake-socket";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { followSessionFeed } from "./session-feed.ts";

const SESSION = "00000000-0000-4000-8000-00000000000a";
const CREDENTIAL = "00000000-0000-4000-8000-00000000000b";

let sockets: FakeSocket[] = [];
let socketFactory: (url: string, protocols: string[]) => FakeSocket;
const stops: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  ({ sockets, factory: socketFactory } = fakeSockets());
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.advanceTimersByTime(1);
  vi.useRealTimers();
});

describe("the page's session feed", () => {
  it("is one socket for every follower, each hearing its changes and every connect, closed with the last", () => {
    const list = { onChange: vi.fn(), onOpen: vi.fn() };
    const inbox = { onChange: vi.fn(), onOpen: vi.fn() };
    const credentials = { onCredentialChange: vi.fn() };
    const stopList = followSessionFeed(list, { socketFactory });
    const stopInbox = followSessionFeed(inbox, { socketFactory });
    const stopCredentials = followSessionFeed(credentials, { socketFactory });
    stops.push(stopList, stopInbox, stopCredentials);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.url).toMatch(/\/api\/v1\/sessions\/feed$/);

    const socket = sockets[0]!;
    socket.open();
    expect(list.onOpen).toHaveBeenCalledOnce();
    expect(inbox.onOpen).toHaveBeenCalledOnce();
    socket.deliver({ type: "session_changed", session_id: SESSION });
    expect(list.onChange).toHaveBeenCalledWith(SESSION);
    expect(inbox.onChange).toHaveBeenCalledWith(SESSION);
    expect(credentials.onCredentialChange).not.toHaveBeenCalled();
    socket.deliver({ type: "credential_changed", credential_id: CREDENTIAL });
    expect(credentials.onCredentialChange).toHaveBeenCalledWith(CREDENTIAL);
    expect(list.onChange).toHaveBeenCalledOnce();

    // One follower leaving (twice) leaves the others theirs; the last one closes it.
    stopList();
    stopList();
    socket.deliver({ type: "session_changed", session_id: SESSION });
    expect(list.onChange).toHaveBeenCalledOnce();
    expect(inbox.onChange).toHaveBeenCalledTimes(2);
    stopInbox();
    stopCredentials();
    // Every follower leaving and one coming back in the same task (a render whose effects re-run,
    // cleanups first) keeps the socket.
    const again = { onChange: vi.fn() };
    stops.push(followSessionFeed(again, { socketFactory }));
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(1);
    expect(socket.readyState).toBe(1);
    socket.deliver({ type: "session_changed", session_id: SESSION });
    expect(again.onChange).toHaveBeenCalledWith(SESSION);

    // The last one leaving closes it once the task is over; the next follower opens a new one.
    stops.at(-1)?.();
    expect(socket.readyState).toBe(1);
    vi.advanceTimersByTime(1);
    expect(socket.readyState).toBe(3);
    stops.push(followSessionFeed({ onChange: vi.fn() }, { socketFactory }));
    expect(sockets).toHaveLength(2);
  });
});
