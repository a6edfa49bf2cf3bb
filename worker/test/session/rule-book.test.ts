// Proves: a turn reads the approval rules once however many calls it makes (the hot path), and
// starts that read when the model starts writing its first call, not once the call is complete;
// reads them again only after a person answered (who may have added one); and a book that cannot
// be read decides nothing — the call is asked about instead of a deny rule being skipped.
import type { ApprovalRule } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { type LoopEvent, runTurn } from "../../src/session/agent-loop.ts";
import { type RuleBook, createRuleBook, describeRule } from "../../src/session/rule-book.ts";
import { FakeTools, ScriptedProvider, deps, input, text, toolCalls } from "./scripted.ts";

const ALLOW_READS: ApprovalRule = {
  id: "00000000-0000-4000-8000-000000000001",
  effect: "allow",
  tool: "read_file",
  match: null,
  session_id: null,
  note: null,
  created_at: "2026-01-01T00:00:00.000Z",
};

describe("createRuleBook", () => {
  it("loads once for many calls, and again after forget()", async () => {
    let loads = 0;
    const book = createRuleBook(
      async () => ((loads += 1), [ALLOW_READS]),
      "/p",
      () => undefined,
    );
    for (let call = 0; call < 20; call += 1)
      expect(await book.decide({ tool: "read_file", args: { path: "a" } })).toMatchObject({ effect: "allow" });
    expect(await book.decide({ tool: "write_file", args: { path: "a" } })).toBeNull();
    expect(loads).toBe(1);
    book.forget();
    await book.decide({ tool: "read_file", args: { path: "a" } });
    expect(loads).toBe(2);
  });

  it("starts its one read on prefetch(), and the calls after it wait for that read", async () => {
    let loads = 0;
    let finish: (rules: ApprovalRule[]) => void = () => undefined;
    const book = createRuleBook(
      () => ((loads += 1), new Promise<ApprovalRule[]>((resolve) => (finish = resolve))),
      null,
      () => undefined,
    );
    book.prefetch();
    book.prefetch();
    expect(loads).toBe(1);
    const verdict = book.decide({ tool: "read_file", args: {} });
    finish([ALLOW_READS]);
    expect(await verdict).toMatchObject({ effect: "allow" });
    expect(loads).toBe(1);
  });

  it("answers `unavailable` when the rules cannot be read, and tries again at the next call", async () => {
    const errors: unknown[] = [];
    let fail = true;
    const book = createRuleBook(
      async () => {
        if (fail) throw new Error("database down");
        return [ALLOW_READS];
      },
      null,
      (error) => errors.push(error),
    );
    expect(await book.decide({ tool: "read_file", args: {} })).toBe("unavailable");
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await book.decide({ tool: "read_file", args: {} })).toMatchObject({ effect: "allow" });
  });

  it("describes a rule the way the model and the user read it", () => {
    expect(
      describeRule({ ...ALLOW_READS, effect: "deny", tool: "write_file", match: { param: "path", pattern: "deploy/**" }, note: "prod" }),
    ).toBe("deny write_file where path matches deploy/** (everywhere; note: prod)");
  });
});

describe("the agent loop and the rule book", () => {
  it("asks for the rules when the model starts a tool call, before the call is complete, then decides with them", async () => {
    const provider = new ScriptedProvider([
      toolCalls({ id: "c1", name: "read_file", args: { path: "a.ts" } }, { id: "c2", name: "read_file", args: { path: "b.ts" } }),
      text("Read."),
    ]);
    const tools = new FakeTools({
      read_file: { kind: "read", approval: "default", source: "worker", run: async () => ({ ok: true, output: "1" }) },
    });
    const seen: LoopEvent[] = [];
    const log: string[] = [];
    const finished = () =>
      seen.filter((event) => event.kind === "stream" && event.event.type === "tool_call" && event.event.phase === "end").length;
    const rules: RuleBook = {
      prefetch: () => log.push(`prefetch, ${finished()} calls complete`),
      decide: async (call) => (log.push(`decide ${call.tool}`), null),
      forget: () => log.push("forget"),
    };
    for await (const event of runTurn(deps({ provider, tools, rules, approvalMode: "auto" }), input())) seen.push(event);
    expect(log).toEqual(["prefetch, 0 calls complete", "prefetch, 1 calls complete", "decide read_file", "decide read_file"]);
    expect(seen.at(-1)).toEqual({ kind: "end", status: "completed" });
  });
});
