/**
 * A turn's view of the approval rules: read from Postgres once, when the model starts writing the
 * turn's first tool call (so the read runs while the call's arguments stream, not between the step
 * and the call), and asked for every call after that without another query (the hot path, issue
 * 15). After a person answers a question the book is read again at the next call, since the answer
 * may have come with a new rule ("always allow"). A book that cannot be read decides nothing and
 * makes every call ask: a deny rule must never be skipped because the database was slow.
 */
import type { ApprovalRule } from "@maestro/protocol";
import { type RuleCall, type RuleDecision, decideByRules } from "./approval-rules.ts";

/** `unavailable`: the rules could not be read; the caller asks the user instead of guessing. */
export type RuleVerdict = RuleDecision | null | "unavailable";

export interface RuleBook {
  /** Start reading the rules now, if they are not read or being read: a call is coming. */
  prefetch(): void;
  decide(call: RuleCall): Promise<RuleVerdict>;
  /** Read the rules again before the next decision. */
  forget(): void;
}

export function createRuleBook(load: () => Promise<ApprovalRule[]>, cwd: string | null, onError: (error: unknown) => void): RuleBook {
  let rules: Promise<ApprovalRule[] | null> | undefined;
  const read = () =>
    (rules ??= load().catch((error: unknown) => {
      onError(error);
      return null;
    }));
  return {
    prefetch() {
      void read();
    },
    async decide(call) {
      const loaded = await read();
      if (loaded === null) {
        rules = undefined;
        return "unavailable";
      }
      return decideByRules(loaded, call, cwd);
    },
    forget() {
      rules = undefined;
    },
  };
}

/** How a rule reads in a message to the model or a person: `deny write_file where path matches deploy/**`. */
export function describeRule(rule: ApprovalRule): string {
  const where = rule.match === null ? "" : ` where ${rule.match.param} matches ${rule.match.pattern}`;
  const scope = rule.session_id === null ? "everywhere" : "in this session";
  return `${rule.effect} ${rule.tool}${where} (${scope}${rule.note === null ? "" : `; note: ${rule.note}`})`;
}
