// Proves: a call's clock runs only while its agent is online. Offline, the clock stands still
// and a grace period runs instead (AGENT_OFFLINE when it runs out); clients are told the call
// waits ("waiting for <agent> (offline)") and that it runs again when the agent is back; the
// budget sent with a re-sent call is what is left of the clock; and a command handed to a process
// that has since restarted is failed, never sent again, while one to the same process is re-sent.
import { type ToolOutcome, type TunnelCallId, TunnelCallIdSchema } from "@maestro/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PendingCalls } from "../../src/agents/pending-calls.ts";
import type { ToolProgress } from "../../src/session/turn-ports.ts";

const T0 = 1_000_000;

function frame(tool = "read_file", deadlineIn = 60_000) {
  return {
    type: "call" as const,
    id: TunnelCallIdSchema.parse(crypto.randomUUID()),
    tool,
    params: {},
    cwd: null,
    deadline: T0 + deadlineIn,
  };
}

/** Settles to the outcome, or "pending" if it has not settled by now. */
async function state(outcome: Promise<ToolOutcome>): Promise<ToolOutcome | "pending"> {
  return Promise.race([outcome, Promise.resolve("pending" as const)]);
}

describe("PendingCalls", () => {
  let expired: TunnelCallId[];
  let calls: PendingCalls;
  let now: number;
  const advance = async (ms: number) => {
    now += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    calls = new PendingCalls(
      (id) => expired.push(id),
      () => "laptop",
    );
    now = T0;
  });
  afterEach(() => vi.useRealTimers());

  it("times out at the deadline while the agent is online, and tells the agent to stop", async () => {
    const call = frame("read_file", 5_000);
    const outcome = calls.add(call, () => undefined, now, 600_000);
    await advance(4_999);
    expect(await state(outcome)).toBe("pending");
    await advance(1);
    expect(await outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(expired).toEqual([call.id]);
  });

  it("pauses the clock while the agent is offline: a sleep longer than the deadline does not time the call out", async () => {
    const call = frame("read_file", 5_000);
    const progress: ToolProgress[] = [];
    const outcome = calls.add(call, (each) => progress.push(each), now, 600_000);
    await advance(2_000);
    calls.wentOffline(now);
    expect(progress).toEqual([{ status: "waiting for laptop (offline)" }]);
    await advance(90_000); // asleep for 90 s: far past the 5 s deadline
    expect(await state(outcome)).toBe("pending");
    calls.cameBack(now);
    expect(progress.at(-1)).toEqual({ status: "running" });
    // 3 s were left when it went offline, and are left now.
    expect(calls.budget(call.id, now)).toBe(3_000);
    calls.settle(call.id, { ok: true, output: "read after the sleep" });
    expect(await outcome).toEqual({ ok: true, output: "read after the sleep" });
    expect(expired).toEqual([]);
  });

  it("counts only online time against the deadline across several outages", async () => {
    const call = frame("read_file", 5_000);
    const outcome = calls.add(call, () => undefined, now, 600_000);
    await advance(2_000);
    calls.wentOffline(now);
    await advance(30_000);
    calls.cameBack(now);
    await advance(2_000);
    calls.wentOffline(now);
    await advance(30_000);
    calls.cameBack(now);
    expect(calls.budget(call.id, now)).toBe(1_000);
    await advance(999);
    expect(await state(outcome)).toBe("pending");
    await advance(1);
    expect(await outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
  });

  it("fails with AGENT_OFFLINE once the agent stays away past the grace period", async () => {
    const call = frame("run_shell_command", 60_000);
    const outcome = calls.add(call, () => undefined, now, 10_000);
    calls.delivered(call.id, "process-a", "execute");
    calls.wentOffline(now);
    await advance(9_999);
    expect(await state(outcome)).toBe("pending");
    await advance(1);
    const ended = await outcome;
    expect(ended).toMatchObject({ ok: false, code: "AGENT_OFFLINE" });
    // Handed over already: the model is told it may have run.
    expect(ended.ok || ended.message).toContain("may or may not have run");
    expect(ended.ok || ended.message).toContain("laptop");
    expect(expired).toEqual([call.id]);
  });

  it("holds a call added while the agent is offline, and shows it waiting", async () => {
    calls.wentOffline(now);
    const call = frame("read_file", 5_000);
    const progress: ToolProgress[] = [];
    const outcome = calls.add(call, (each) => progress.push(each), now, 60_000);
    expect(progress).toEqual([{ status: "waiting for laptop (offline)" }]);
    await advance(30_000);
    calls.cameBack(now);
    expect(calls.reconcile([], "process-a").map((each) => each.id)).toEqual([call.id]);
    expect(calls.budget(call.id, now)).toBe(5_000);
    calls.settle(call.id, { ok: true, output: "done" });
    expect(await outcome).toEqual({ ok: true, output: "done" });
  });

  it("a grace period restarts with each outage", async () => {
    const call = frame("read_file", 600_000);
    const outcome = calls.add(call, () => undefined, now, 10_000);
    calls.wentOffline(now);
    await advance(8_000);
    calls.cameBack(now);
    calls.wentOffline(now);
    await advance(8_000);
    expect(await state(outcome)).toBe("pending");
    await advance(2_000);
    expect(await outcome).toMatchObject({ ok: false, code: "AGENT_OFFLINE" });
  });

  it("after a restart, fails a command handed to the old process but re-sends a read; the same process gets both again", async () => {
    const command = frame("run_shell_command");
    const read = frame("read_file");
    const commandOutcome = calls.add(command, () => undefined, now, 600_000);
    void calls.add(read, () => undefined, now, 600_000);
    calls.delivered(command.id, "process-a", "execute");
    calls.delivered(read.id, "process-a", "read");
    calls.wentOffline(now);
    calls.cameBack(now);
    expect(calls.reconcile([], "process-a").map((each) => each.id)).toEqual([command.id, read.id]);
    expect(calls.reconcile([], "process-b").map((each) => each.id)).toEqual([read.id]);
    expect(await commandOutcome).toMatchObject({ ok: false, code: "AGENT_RESTARTED" });
  });

  it("settleAll ends every waiting call", async () => {
    calls.wentOffline(now);
    const outcomes = [calls.add(frame(), () => undefined, now, 60_000), calls.add(frame(), () => undefined, now, 60_000)];
    calls.settleAll({ ok: false, code: "AGENT_OFFLINE", message: "revoked", recoverable: false });
    expect(await Promise.all(outcomes)).toMatchObject([{ code: "AGENT_OFFLINE" }, { code: "AGENT_OFFLINE" }]);
    expect(calls.size).toBe(0);
  });
});
