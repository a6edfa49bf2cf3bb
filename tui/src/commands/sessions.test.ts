// Proves: `maestro sessions --watch` shows the list, shows it again (once) after a burst of
// changes announced by the feed and when the feed reconnects, redraws in place on a terminal, and
// closes the feed when stopped.
import { type Session, createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import type { Output } from "./output.ts";
import { type OpenFeed, watchSessions } from "./sessions.ts";

function fakeApi(sessions: () => Session[]) {
  let calls = 0;
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async () => {
      calls += 1;
      return Response.json({ data: sessions() });
    },
  });
  return { client, calls: () => calls };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("maestro sessions --watch", () => {
  it("reloads once per burst of changes and on reconnect, redrawing in place", async () => {
    let activity: Session["activity"] = "idle";
    const api = fakeApi(() => [{ ...SAMPLE_SESSION, activity, presence: { total: 1, web: 0, tui: 1, api: 0 } }]);
    const printed: string[] = [];
    const output: Output = { out: (text) => printed.push(text), err: (text) => printed.push(`ERR ${text}`) };
    let handlers: Parameters<OpenFeed>[0] | undefined;
    let closed = false;
    const openFeed: OpenFeed = (given) => {
      handlers = given;
      return { close: () => (closed = true) };
    };
    let stop = () => undefined as void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));

    const done = watchSessions(api.client, openFeed, output, { redraw: true, stop: stopped });
    await wait(20);
    expect(api.calls()).toBe(1);
    expect(printed.at(-1)).toContain("\x1b[2J");
    expect(printed.at(-1)).toMatch(/Refactor the parser .* idle +1 tui/);

    activity = "waiting_approval";
    handlers?.onChange();
    handlers?.onChange();
    handlers?.onChange();
    await wait(250);
    expect(api.calls()).toBe(2);
    expect(printed.at(-1)).toContain("waiting_approval");

    handlers?.onOpen();
    await wait(250);
    expect(api.calls()).toBe(3);

    stop();
    expect(await done).toBe(0);
    expect(closed).toBe(true);
    expect(printed.some((text) => text.startsWith("ERR"))).toBe(false);
  });
});
