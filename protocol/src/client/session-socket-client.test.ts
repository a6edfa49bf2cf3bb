// Proves: the session socket client offers the token as a sub-protocol, says hello, folds what
// it receives, sends only once joined, keeps the connection alive with the exact ping text, and
// after a drop reconnects and resumes with `hello{since}` — an overlapping replay shows nothing
// twice — until it is closed on purpose. A session the server refuses for good (found out over
// REST, with the same token) stops the retries and says why; an unreachable server does not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { PING_FRAME_TEXT, type SessionToClient } from "../session-socket.ts";
import { SAMPLE_SESSION, SAMPLE_TURN_ID } from "../testing/samples.ts";
import { type FakeSocket, fakeSockets } from "../testing/fake-socket.ts";
import { type SessionSocketOptions, SessionSocketClient } from "./session-socket-client.ts";
import type { SocketFailure } from "./socket-failure.ts";

const snapshot: SessionToClient = {
  type: "snapshot",
  seq: 5,
  protocol_version: 1,
  session: SAMPLE_SESSION,
  presence: { total: 1, web: 1, tui: 0, api: 0 },
  messages: [],
  turn: null,
};
const text = (seq: number, chunk: string): SessionToClient => ({
  type: "event",
  seq,
  turn_id: SAMPLE_TURN_ID,
  event: { type: "text_delta", text: chunk },
});

function start(overrides: Partial<Pick<SessionSocketOptions, "pingEveryMs" | "diagnose" | "sessionId">> = {}) {
  const { sockets, factory } = fakeSockets();
  const states: string[] = [];
  const failures: SocketFailure[] = [];
  const client = new SessionSocketClient({
    baseUrl: "https://maestro.example.com",
    sessionId: SAMPLE_SESSION.id,
    client: "tui",
    token: "secret-token",
    backoff: { baseMs: 1, maxMs: 1 },
    onState: (state) => states.push(state),
    onFailure: (failure) => failures.push(failure),
    socketFactory: factory,
    ...overrides,
  });
  return { client, sockets, states, failures };
}

const sentFrames = (socket: FakeSocket | undefined) => (socket?.sent ?? []).map((raw) => JSON.parse(raw) as Record<string, unknown>);

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const NOT_FOUND: SocketFailure = { status: 404, code: "SESSION_NOT_FOUND", message: "There is no session with that id." };

describe("SessionSocketClient", () => {
  it("offers the token as a sub-protocol, says hello, and sends only once joined", () => {
    const { client, sockets, states } = start();
    const socket = sockets[0];
    expect(socket?.url).toBe(`wss://maestro.example.com/api/v1/sessions/${SAMPLE_SESSION.id}/socket`);
    expect(socket?.protocols).toEqual(["maestro.v1", `maestro.token.${btoa("secret-token").replace(/=+$/, "")}`]);
    socket?.open();
    expect(sentFrames(socket)).toEqual([{ type: "hello", protocol_version: 1, client: "tui" }]);
    expect(client.send({ type: "send", text: "too early" })).toBe(false);
    socket?.deliver(snapshot);
    expect(states).toEqual(["open"]);
    expect(client.transcript.session?.id).toBe(SAMPLE_SESSION.id);
    expect(client.send({ type: "send", text: "hello" })).toBe(true);
    expect(sentFrames(socket).at(-1)).toEqual({ type: "send", text: "hello" });
    client.close();
  });

  it("resumes after a drop from the last frame it folded, without showing anything twice", async () => {
    const { client, sockets, states } = start();
    sockets[0]?.open();
    sockets[0]?.deliver(snapshot);
    sockets[0]?.deliver(text(6, "Hel"));
    sockets[0]?.close(1006);
    expect(client.state).toBe("reconnecting");
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1]?.open();
    expect(sentFrames(sockets[1])).toEqual([{ type: "hello", protocol_version: 1, client: "tui", since: 6 }]);
    // The server replays from 6; a frame the client already had must not be applied again.
    sockets[1]?.deliver(text(6, "Hel"));
    sockets[1]?.deliver(text(7, "lo"));
    expect(client.state).toBe("open");
    expect(client.transcript.turn?.blocks).toEqual([{ kind: "text", text: "Hello" }]);
    expect(states).toEqual(["open", "reconnecting", "open"]);
    client.close();
  });

  it("pings with the exact keep-alive text, and stays closed once closed", async () => {
    vi.useFakeTimers();
    const { client, sockets, states } = start({ pingEveryMs: 1000 });
    sockets[0]?.open();
    sockets[0]?.deliver(snapshot);
    vi.advanceTimersByTime(2100);
    expect(sockets[0]?.sent.filter((raw) => raw === PING_FRAME_TEXT)).toHaveLength(2);
    client.close();
    vi.advanceTimersByTime(5000);
    expect(sockets).toHaveLength(1);
    expect(states.at(-1)).toBe("closed");
  });

  it("stops retrying and says why when the server refuses the session for good", async () => {
    const diagnose = vi.fn(async () => NOT_FOUND);
    const { client, sockets, states, failures } = start({ diagnose });
    // A refused upgrade: the socket closes without ever opening.
    sockets[0]?.close(1006);
    await vi.waitFor(() => expect(client.state).toBe("closed"));
    expect(client.failure).toEqual(NOT_FOUND);
    expect(failures).toEqual([NOT_FOUND]);
    expect(states).toEqual(["reconnecting", "closed"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets).toHaveLength(1);
    expect(diagnose).toHaveBeenCalledTimes(1);
  });

  it("counts a failed open reported by an error alone (Node) as one failed attempt, also when a close follows (browsers)", async () => {
    const diagnose = vi.fn(async () => null);
    const { client, sockets } = start({ diagnose });
    sockets[0]?.fail();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1]?.fail();
    sockets[1]?.close(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets).toHaveLength(3);
    expect(diagnose).toHaveBeenCalledTimes(2);
    expect(client.state).toBe("reconnecting");
    client.close();
  });

  it("keeps retrying while the server cannot be reached, and a drop after opening is not diagnosed", async () => {
    const diagnose = vi.fn(async () => null);
    const { client, sockets, failures } = start({ diagnose });
    sockets[0]?.close(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1]?.close(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    sockets[2]?.open();
    sockets[2]?.deliver(snapshot);
    expect(client.state).toBe("open");
    sockets[2]?.close(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(4));
    expect(diagnose).toHaveBeenCalledTimes(2);
    expect(failures).toEqual([]);
    client.close();
  });

  it("by default reads the session over REST with the same token: 404 and 401 are permanent, no server is not", async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: "SESSION_NOT_FOUND", message: "No session with that id." } }), { status: 404 }),
      new Response(JSON.stringify({ error: { code: "UNAUTHORIZED", message: "Missing or invalid token." } }), { status: 401 }),
    ];
    const requests: Request[] = [];
    vi.stubGlobal("fetch", async (input: string, init: RequestInit) => {
      requests.push(new Request(input, init));
      const answer = answers.shift();
      if (answer === undefined) throw new TypeError("fetch failed");
      return answer;
    });
    const first = start();
    first.sockets[0]?.close(1006);
    await vi.waitFor(() => expect(first.client.failure?.message).toBe("There is no session with that id."));
    expect(requests[0]?.url).toBe(`https://maestro.example.com/api/v1/sessions/${SAMPLE_SESSION.id}`);
    expect(requests[0]?.headers.get("authorization")).toBe("Bearer secret-token");

    const second = start();
    second.sockets[0]?.close(1006);
    await vi.waitFor(() => expect(second.client.failure?.status).toBe(401));

    const third = start();
    third.sockets[0]?.close(1006);
    await vi.waitFor(() => expect(third.sockets).toHaveLength(2));
    expect(third.client.failure).toBeNull();
    third.client.close();
  });

  it("does not ask the server about an id that is not a session id", async () => {
    const fetched = vi.fn();
    vi.stubGlobal("fetch", fetched);
    const { client, sockets } = start({ sessionId: "not-a-uuid" });
    sockets[0]?.close(1006);
    await vi.waitFor(() => expect(client.failure).toMatchObject({ status: 400, message: expect.stringContaining("not a session id") }));
    expect(fetched).not.toHaveBeenCalled();
  });
});
