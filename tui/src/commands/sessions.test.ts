// Proves: `maestro sessions --watch` shows the list, shows it again (once) after a burst of
// changes announced by the feed and when the feed reconnects, redraws in place on a terminal, and
// closes the feed when stopped. `maestro usage` prints tokens and cost per model and the total;
// an API error in `sessions` or `usage` is one line and exit 1, not a stack trace.
import { type Session, createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import type { Output } from "./output.ts";
import { type OpenFeed, listSessions, showUsage, watchSessions } from "./sessions.ts";
import { capture } from "./capture-output.ts";

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

/** An API that answers every request with this one response. */
const answering = (response: () => Response) =>
  createRestClient({ baseUrl: "http://maestro.test", token: "t", fetch: async () => response() });

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

  it("reports an API error in one line and exits 1", async () => {
    const refused = capture();
    const unauthorized = () => Response.json({ error: { code: "UNAUTHORIZED", message: "Missing or invalid token." } }, { status: 401 });
    expect(await listSessions(answering(unauthorized), refused.output)).toBe(1);
    expect(refused.err()).toBe("Could not list the sessions: Missing or invalid token.\n");
    expect(refused.out()).toBe("");
  });
});

describe("maestro usage", () => {
  it("prints tokens and cost per provider and model, and the total", async () => {
    const printed = capture();
    const totals = { messages: 5, input_tokens: 1500, output_tokens: 700, cache_read_tokens: 500, cache_write_tokens: 0, cost_usd: 0.0421 };
    const report = {
      from: "2026-11-01",
      to: "2026-11-24",
      group_by: ["provider", "model"],
      rows: [
        {
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          ...totals,
          messages: 3,
          input_tokens: 1000,
          output_tokens: 500,
          cost_usd: 0.04,
        },
        {
          provider: "openai",
          model: "gpt-5",
          ...totals,
          messages: 2,
          input_tokens: 500,
          output_tokens: 200,
          cache_read_tokens: 0,
          cost_usd: 0.0021,
        },
      ],
      totals,
    };
    expect(
      await showUsage(
        answering(() => Response.json(report)),
        printed.output,
      ),
    ).toBe(0);
    const lines = printed.out().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^MODEL +ANSWERS +TOKENS IN +TOKENS OUT +COST$/);
    // Tokens in count the cached reads too: that is what was sent to the model.
    expect(lines[1]).toMatch(/^anthropic\/claude-sonnet-4-5 +3 +1500 +500 +\$0\.0400$/);
    expect(lines[2]).toMatch(/^openai\/gpt-5 +2 +500 +200 +\$0\.0021$/);
    expect(lines[3]).toBe("total 2026-11-01..2026-11-24: $0.0421");
  });

  it("reports an API error in one line and exits 1", async () => {
    const printed = capture();
    expect(
      await showUsage(
        answering(() => new Response("bad gateway", { status: 502 })),
        printed.output,
      ),
    ).toBe(1);
    expect(printed.err()).toBe("Could not read the usage: request failed with status 502\n");
  });
});
