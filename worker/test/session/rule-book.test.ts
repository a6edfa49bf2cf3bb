// Proves: a turn reads the approval rules once however many calls it makes (the hot path), reads
// them again only after a person answered (who may have added one), and a book that cannot be read
// decides nothing — the call is asked about instead of a deny rule being skipped.
import type { ApprovalRule } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { createRuleBook, describeRule } from "../../src/session/rule-book.ts";

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
