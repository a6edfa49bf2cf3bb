// Proves: which tool calls wait for the user, for every session mode (ask, always, auto) × tool
// kind × the tool's own approval override: `always` asks for everything (a tool's own `auto`
// does not skip it), `ask` stops edits and execution unless the tool says otherwise, `auto`
// asks only for tools set to `ask`; and "approve for this session" is the answer in every mode.
import type { ApprovalMode, ToolApproval, ToolKind } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { needsApproval } from "../../src/session/approval-policy.ts";

const KINDS: readonly ToolKind[] = ["read", "edit", "execute", "fetch"];
const ALL = KINDS;

/** The spec, written out: for each mode and tool override, the kinds that ask. */
const ASKS: Record<ApprovalMode, Record<ToolApproval, readonly ToolKind[]>> = {
  always: { default: ALL, ask: ALL, auto: ALL },
  ask: { default: ["edit", "execute"], ask: ALL, auto: [] },
  auto: { default: [], ask: ALL, auto: [] },
};

const cases = (Object.keys(ASKS) as ApprovalMode[]).flatMap((mode) =>
  (Object.keys(ASKS[mode]) as ToolApproval[]).flatMap((toolApproval) =>
    KINDS.map((kind) => [mode, toolApproval, kind, ASKS[mode][toolApproval].includes(kind)] as const),
  ),
);

describe("needsApproval", () => {
  it.each(cases)("mode %s, tool approval %s, a %s tool: asks = %s", (mode, toolApproval, kind, asks) => {
    expect(needsApproval({ mode, kind, toolApproval, approvedForSession: false })).toBe(asks);
  });

  it.each(cases)("mode %s, tool approval %s, a %s tool approved for the session: does not ask", (mode, toolApproval, kind) => {
    expect(needsApproval({ mode, kind, toolApproval, approvedForSession: true })).toBe(false);
  });

  it("has a case for every mode, override and kind", () => {
    expect(cases).toHaveLength(3 * 3 * 4);
  });
});
