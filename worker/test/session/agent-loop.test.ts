// Proves: the agent loop streams, runs tools (after approval where the mode asks for it; reads
// that need no approval side by side, at most ten at once, everything else alone), feeds
// results back and loops until the model stops or the step limit; retries only before output;
// cancels cleanly; and prices what it used. Pure: a scripted provider, no workerd state.
import type { StreamEvent } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { type LoopEvent, runTurn } from "../../src/session/agent-loop.ts";
import { FakeApprovals, FakeTools, ScriptedProvider, deps, id, input, text, toolCalls } from "./scripted.ts";

async function collect(events: AsyncIterable<LoopEvent>): Promise<LoopEvent[]> {
  const all: LoopEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const streamed = (events: LoopEvent[]): StreamEvent[] => events.flatMap((event) => (event.kind === "stream" ? [event.event] : []));
const steps = (events: LoopEvent[]) => events.flatMap((event) => (event.kind === "step" ? [event.step] : []));
const ending = (events: LoopEvent[]) => events.at(-1);

describe("agent loop", () => {
  it("streams a plain answer and ends completed, priced", async () => {
    const provider = new ScriptedProvider([text("Hi!")]);
    const events = await collect(runTurn(deps({ provider }), input()));
    expect(streamed(events).map((event) => event.type)).toEqual(["text_delta", "usage", "stop"]);
    const usage = streamed(events).find((event) => event.type === "usage");
    // claude-sonnet-4-5: 10 × $3/M + 5 × $15/M
    expect(usage).toMatchObject({ cost_usd: 0.000105 });
    const [step] = steps(events);
    expect(step).toMatchObject({ status: "complete", content: [{ type: "text", text: "Hi!" }], stopReason: "end_turn", costUsd: 0.000105 });
    expect(step?.latencyMs).toBeGreaterThan(0);
    expect(step?.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(ending(events)).toEqual({ kind: "end", status: "completed" });
    expect(provider.requests[0]).toMatchObject({ model: "claude-sonnet-4-5", system: "be brief", messages: [{ role: "user" }] });
  });

  it("runs parallel tool calls in order, feeds the results back, and asks the model again", async () => {
    const provider = new ScriptedProvider([
      toolCalls({ id: "c1", name: "read_file", args: { path: "a.ts" } }, { id: "c2", name: "read_file", args: { path: "b.ts" } }),
      text("Both read."),
    ]);
    const tools = new FakeTools({
      read_file: {
        kind: "read",
        approval: "default",
        source: "worker",
        run: async (args, progress) => {
          progress({ status: `reading ${String(args.path)}` });
          return { ok: true, output: `contents of ${String(args.path)}` };
        },
      },
    });
    const events = await collect(runTurn(deps({ provider, tools }), input()));
    expect(tools.calls.map((call) => call.args.path)).toEqual(["a.ts", "b.ts"]);
    expect(streamed(events).filter((event) => event.type === "tool_progress")).toEqual([
      { type: "tool_progress", call_id: "c1", status: "reading a.ts" },
      { type: "tool_progress", call_id: "c2", status: "reading b.ts" },
    ]);
    expect(
      streamed(events)
        .filter((event) => event.type === "tool_result")
        .map((event) => event.type === "tool_result" && [event.call_id, event.ok, event.output]),
    ).toEqual([
      ["c1", true, "contents of a.ts"],
      ["c2", true, "contents of b.ts"],
    ]);
    const second = provider.requests[1];
    expect(second?.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    expect(second?.messages[2]?.content).toEqual([
      { type: "tool_result", call_id: "c1", name: "read_file", ok: true, output: "contents of a.ts" },
      { type: "tool_result", call_id: "c2", name: "read_file", ok: true, output: "contents of b.ts" },
    ]);
    expect(events.filter((event) => event.kind === "tool_results")).toHaveLength(1);
    expect(ending(events)).toEqual({ kind: "end", status: "completed" });
  });

  describe("reads side by side", () => {
    /** Tools that log when each call starts and ends, and hold every call a few milliseconds. */
    function loggingTools() {
      const log: string[] = [];
      let running = 0;
      let mostAtOnce = 0;
      const slow = async (args: Record<string, unknown>) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        log.push(`start ${String(args.path)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        log.push(`end ${String(args.path)}`);
        running -= 1;
        return { ok: true as const, output: `contents of ${String(args.path)}` };
      };
      const tools = new FakeTools({
        read_file: { kind: "read", approval: "default", source: "local", run: slow },
        edit_file: { kind: "edit", approval: "default", source: "local", run: slow },
      });
      return { tools, log, mostAtOnce: () => mostAtOnce };
    }
    const call = (id: string, name: string, path: string) => ({ id, name, args: { path } });

    it("runs consecutive reads together, and an edit alone, between them, keeping the model's order", async () => {
      const { tools, log, mostAtOnce } = loggingTools();
      const provider = new ScriptedProvider([
        toolCalls(
          call("r1", "read_file", "a"),
          call("r2", "read_file", "b"),
          call("r3", "read_file", "c"),
          call("e1", "edit_file", "d"),
          call("r4", "read_file", "e"),
        ),
        text("done"),
      ]);
      const events = await collect(runTurn(deps({ provider, tools, approvalMode: "auto" }), input()));
      expect(mostAtOnce()).toBe(3);
      expect(log.slice(0, 3).sort()).toEqual(["start a", "start b", "start c"]);
      expect(log.slice(6)).toEqual(["start d", "end d", "start e", "end e"]);
      // The model reads the results in the order it asked, whatever order they finished in.
      expect(provider.requests[1]?.messages[2]?.content.map((part) => part.type === "tool_result" && part.call_id)).toEqual([
        "r1",
        "r2",
        "r3",
        "e1",
        "r4",
      ]);
      expect(events.find((event) => event.kind === "tool_results")).toMatchObject({
        executions: [{ callId: "r1" }, { callId: "r2" }, { callId: "r3" }, { callId: "e1" }, { callId: "r4" }],
      });
    });

    it("runs reads one at a time when each must be approved", async () => {
      const { tools, mostAtOnce } = loggingTools();
      const approvals = new FakeApprovals(() => ({ decision: "approve", by: "web" }));
      const provider = new ScriptedProvider([toolCalls(call("r1", "read_file", "a"), call("r2", "read_file", "b")), text("done")]);
      await collect(runTurn(deps({ provider, tools, approvals, approvalMode: "always" }), input()));
      expect(approvals.asked).toEqual(["read_file", "read_file"]);
      expect(mostAtOnce()).toBe(1);
    });

    it("runs at most ten reads at once", async () => {
      const { tools, mostAtOnce } = loggingTools();
      const reads = Array.from({ length: 25 }, (_, index) => call(`r${index}`, "read_file", `f${index}`));
      const provider = new ScriptedProvider([toolCalls(...reads), text("done")]);
      await collect(runTurn(deps({ provider, tools, approvalMode: "auto" }), input()));
      expect(tools.calls).toHaveLength(25);
      expect(mostAtOnce()).toBe(10);
    });
  });

  it("tells the model about a tool it does not have", async () => {
    const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "rm_rf", args: {} }), text("Sorry.")]);
    const events = await collect(runTurn(deps({ provider }), input()));
    expect(streamed(events).find((event) => event.type === "tool_result")).toMatchObject({ ok: false, error_code: "TOOL_NOT_FOUND" });
    expect(provider.requests[1]?.messages[2]?.content[0]).toMatchObject({ ok: false, error_code: "TOOL_NOT_FOUND" });
  });

  describe("approvals", () => {
    const editTool = new FakeTools({
      write_file: { kind: "edit", approval: "default", source: "local" },
      read_file: { kind: "read", approval: "default", source: "local" },
    });

    it("asks before an edit in ask mode, and runs it once approved", async () => {
      const approvals = new FakeApprovals(() => ({ decision: "approve", by: "tui" }));
      const provider = new ScriptedProvider([
        toolCalls({ id: "c1", name: "write_file", args: { path: "x" } }, { id: "c2", name: "read_file", args: { path: "y" } }),
        text("ok"),
      ]);
      const tools = new FakeTools({
        write_file: { kind: "edit", approval: "default", source: "local" },
        read_file: { kind: "read", approval: "default", source: "local" },
      });
      await collect(runTurn(deps({ provider, tools, approvals, approvalMode: "ask" }), input()));
      expect(approvals.asked).toEqual(["write_file"]);
      expect(tools.calls.map((call) => call.name)).toEqual(["write_file", "read_file"]);
    });

    it("reports a call's run time apart from the time it waited for approval", async () => {
      let clock = 0;
      const approvals = new FakeApprovals(() => {
        clock += 14_000; // the user reads the prompt for 14 s
        return { decision: "approve", by: "web" };
      });
      const tools = new FakeTools({
        write_file: {
          kind: "edit",
          approval: "default",
          source: "local",
          run: () => {
            clock += 1_500; // the write itself
            return Promise.resolve({ ok: true as const, output: "written" });
          },
        },
      });
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "write_file", args: { path: "x" } }), text("ok")]);
      const events = await collect(runTurn({ ...deps({ provider, tools, approvals }), now: () => clock }, input()));
      expect(streamed(events).find((event) => event.type === "tool_result")).toMatchObject({ duration_ms: 1_500, wait_ms: 14_000 });
      expect(events.find((event) => event.kind === "tool_results")).toMatchObject({ executions: [{ durationMs: 1_500, waitMs: 14_000 }] });
    });

    it("tells the model about a denial, with the user's reason, and does not run the tool", async () => {
      const approvals = new FakeApprovals(() => ({ decision: "deny", by: "web", reason: "not that file" }));
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "write_file", args: {} }), text("understood")]);
      const tools = new FakeTools({ write_file: { kind: "edit", approval: "default", source: "local" } });
      const events = await collect(runTurn(deps({ provider, tools, approvals }), input()));
      expect(tools.calls).toEqual([]);
      expect(provider.requests[1]?.messages[2]?.content[0]).toMatchObject({
        ok: false,
        error_code: "APPROVAL_DENIED",
        output: "The user denied this call: not that file",
      });
      expect(events.find((event) => event.kind === "tool_results")).toMatchObject({ executions: [{ status: "denied" }] });
    });

    it("treats an unanswered request as a denial the model is told about", async () => {
      const approvals = new FakeApprovals(() => ({ decision: "deny", by: "timeout" }));
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "write_file", args: {} }), text("ok")]);
      const events = await collect(runTurn(deps({ provider, tools: editTool, approvals }), input()));
      expect(provider.requests[1]?.messages[2]?.content[0]).toMatchObject({
        error_code: "APPROVAL_DENIED",
        output: "Nobody approved this call in time, so it was not run.",
      });
      expect(events.find((event) => event.kind === "tool_results")).toMatchObject({ executions: [{ status: "timeout" }] });
    });

    it.each([
      ["auto", "write_file", false],
      ["ask", "read_file", false],
      ["ask", "write_file", true],
      ["always", "read_file", true],
    ] as const)("in %s mode, %s asks: %s", async (mode, tool, asks) => {
      const approvals = new FakeApprovals(() => ({ decision: "approve", by: "web" }));
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: tool, args: {} }), text("ok")]);
      await collect(runTurn(deps({ provider, tools: editTool, approvals, approvalMode: mode }), input()));
      expect(approvals.asked.length > 0).toBe(asks);
    });

    it("does not ask again for a tool approved for the session", async () => {
      const approvals = new FakeApprovals(() => ({ decision: "approve", by: "web" }), ["write_file"]);
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "write_file", args: {} }), text("ok")]);
      await collect(runTurn(deps({ provider, tools: editTool, approvals, approvalMode: "always" }), input()));
      expect(approvals.asked).toEqual([]);
    });
  });

  it("stops at the step limit", async () => {
    const looping = () => toolCalls({ id: crypto.randomUUID(), name: "read_file", args: {} });
    const provider = new ScriptedProvider([looping(), looping(), looping(), looping()]);
    const tools = new FakeTools({ read_file: { kind: "read", approval: "default", source: "worker" } });
    const events = await collect(runTurn(deps({ provider, tools, maxSteps: 3 }), input()));
    expect(provider.requests).toHaveLength(3);
    expect(streamed(events).at(-1)).toEqual({ type: "stop", reason: "step_limit" });
    expect(ending(events)).toEqual({ kind: "end", status: "completed" });
  });

  describe("failures", () => {
    it("retries a retryable error that came before any output, showing nothing of it", async () => {
      const provider = new ScriptedProvider([
        [{ type: "error", code: "PROVIDER_RATE_LIMITED", message: "429", retryable: true, retry_after_ms: 3 }],
        text("after retry"),
      ]);
      const events = await collect(runTurn(deps({ provider }), input()));
      expect(events.filter((event) => event.kind === "retry")).toMatchObject([{ attempt: 1, delayMs: 3 }]);
      expect(streamed(events).some((event) => event.type === "error")).toBe(false);
      expect(steps(events)[0]).toMatchObject({ status: "complete", content: [{ type: "text", text: "after retry" }] });
    });

    it("gives up after the last attempt and fails the turn", async () => {
      const failure: StreamEvent[] = [{ type: "error", code: "PROVIDER_UNAVAILABLE", message: "503", retryable: true }];
      const provider = new ScriptedProvider([failure, failure, failure]);
      const events = await collect(runTurn(deps({ provider }), input()));
      expect(provider.requests).toHaveLength(3);
      expect(steps(events)[0]).toMatchObject({ status: "error", error: { code: "PROVIDER_UNAVAILABLE" } });
      expect(ending(events)).toEqual({ kind: "end", status: "failed" });
    });

    it("keeps what was shown when the stream breaks after output, as a partial message", async () => {
      const provider = new ScriptedProvider([
        [
          { type: "text_delta", text: "Half an ans" },
          { type: "tool_call", phase: "start", call_id: id("c1"), name: "read_file" },
          { type: "error", code: "STREAM_INTERRUPTED", message: "cut", retryable: true },
        ],
      ]);
      const tools = new FakeTools({ read_file: { kind: "read", approval: "default", source: "worker" } });
      const events = await collect(runTurn(deps({ provider, tools }), input()));
      expect(provider.requests).toHaveLength(1);
      expect(steps(events)[0]).toMatchObject({
        status: "partial",
        content: [{ type: "text", text: "Half an ans" }],
        error: { code: "STREAM_INTERRUPTED" },
      });
      expect(tools.calls).toEqual([]);
      expect(ending(events)).toEqual({ kind: "end", status: "failed" });
    });

    it("counts what a failed attempt reported in the answer's usage and cost", async () => {
      const provider = new ScriptedProvider([
        [
          { type: "usage", input_tokens: 1000, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
          { type: "error", code: "PROVIDER_UNAVAILABLE", message: "overloaded", retryable: true },
        ],
        text("second time"),
      ]);
      const events = await collect(runTurn(deps({ provider }), input()));
      // 1000 + 10 in, 1 + 5 out, at claude-sonnet-4-5's $3 / $15 per million.
      expect(steps(events)[0]).toMatchObject({
        status: "complete",
        usage: { input_tokens: 1010, output_tokens: 6, cache_read_tokens: 0, cache_write_tokens: 0 },
        costUsd: 0.00312,
      });
    });

    it("stops a turn whose answer hit the output limit inside a tool call: the text is kept, no call runs", async () => {
      const detail = "The output limit was reached while the model was writing a tool call (write_file); the call was not run.";
      const provider = new ScriptedProvider([
        [
          { type: "text_delta", text: "Writing the file." },
          { type: "tool_call", phase: "start", call_id: id("c1"), name: "write_file" },
          { type: "tool_call", phase: "args_delta", call_id: id("c1"), delta: '{"path":"a.ts","content":"exp' },
          { type: "usage", input_tokens: 10, output_tokens: 64_000, cache_read_tokens: 0, cache_write_tokens: 0 },
          { type: "stop", reason: "max_tokens", provider_reason: "max_tokens", detail },
        ],
      ]);
      const tools = new FakeTools({ write_file: { kind: "edit", approval: "default", source: "local" } });
      const events = await collect(runTurn(deps({ provider, tools }), input()));
      expect(steps(events)[0]).toMatchObject({
        status: "partial",
        content: [{ type: "text", text: "Writing the file." }],
        stopReason: "max_tokens",
        stopDetail: detail,
        error: null,
        usage: { output_tokens: 64_000 },
      });
      expect(tools.calls).toEqual([]);
      expect(ending(events)).toEqual({ kind: "end", status: "failed" });
    });

    it("does not retry an error that is not retryable", async () => {
      const provider = new ScriptedProvider([[{ type: "error", code: "PROVIDER_AUTH", message: "401", retryable: false }]]);
      const events = await collect(runTurn(deps({ provider }), input()));
      expect(provider.requests).toHaveLength(1);
      expect(streamed(events)).toEqual([{ type: "error", code: "PROVIDER_AUTH", message: "401", retryable: false }]);
    });

    it("reports a tool that throws as a failed result, and carries on", async () => {
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "boom", args: {} }), text("ok")]);
      const tools = new FakeTools({
        boom: { kind: "read", approval: "default", source: "worker", run: () => Promise.reject(new Error("kaboom")) },
      });
      const events = await collect(runTurn(deps({ provider, tools }), input()));
      expect(streamed(events).find((event) => event.type === "tool_result")).toMatchObject({ ok: false, error_code: "INTERNAL" });
      expect(ending(events)).toEqual({ kind: "end", status: "completed" });
    });
  });

  describe("cancel", () => {
    it("aborts the model call mid-stream, keeps the partial answer, and runs no tool", async () => {
      const controller = new AbortController();
      const provider = new ScriptedProvider([
        async function* (signal) {
          yield { type: "text_delta", text: "Let me" };
          controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (!signal.aborted) yield { type: "text_delta", text: " never" };
        },
      ]);
      const events = await collect(runTurn(deps({ provider }), input(controller.signal)));
      expect(steps(events)[0]).toMatchObject({ status: "partial", content: [{ type: "text", text: "Let me" }], stopReason: "cancelled" });
      expect(ending(events)).toEqual({ kind: "end", status: "cancelled" });
    });

    it("cancels while waiting for an approval", async () => {
      const controller = new AbortController();
      const approvals = new FakeApprovals(() => {
        controller.abort();
        return { decision: "deny", by: "web" };
      });
      const provider = new ScriptedProvider([toolCalls({ id: "c1", name: "write_file", args: {} })]);
      const tools = new FakeTools({ write_file: { kind: "edit", approval: "default", source: "local" } });
      const events = await collect(runTurn(deps({ provider, tools, approvals }), input(controller.signal)));
      expect(tools.calls).toEqual([]);
      expect(events.find((event) => event.kind === "tool_results")).toMatchObject({ executions: [{ status: "cancelled" }] });
      expect(ending(events)).toEqual({ kind: "end", status: "cancelled" });
    });
  });
});
