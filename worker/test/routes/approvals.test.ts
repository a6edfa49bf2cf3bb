// Proves (issue 14 §7): the approval inbox lists every question waiting across sessions and
// nothing else — not one already answered, not one whose session restarted — and an answer given
// from it resumes the right turn; approval rules are validated (clear 4xx errors), kept in
// Postgres, and applied before asking: an allow rule runs the call without a question, a deny rule
// refuses it with DENIED_BY_RULE naming the rule, and both decisions record the rule.
import { type ApprovalRule, ErrorBodySchema, type PendingApproval, type SessionId } from "@maestro/protocol";
import { abortAllDurableObjects } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { toolExecutions } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket } from "../helpers/socket.ts";
import { waitForTurn } from "../helpers/turns.ts";

const created: string[] = [];
afterEach(async () => {
  // Global rules would change every later test file's sessions: none outlives its test.
  for (const id of created.splice(0)) await api(`/approval-rules/${id}`, { method: "DELETE" });
});

async function createRule(body: Record<string, unknown>): Promise<ApprovalRule> {
  const rule = await client().approvalRules.create(body as Parameters<ReturnType<typeof client>["approvalRules"]["create"]>[0]);
  created.push(rule.id);
  return rule;
}

const writeCall = (id: string, path = "notes.md") => ({
  steps: [{ kind: "tool_calls" as const, calls: [{ id, name: "write_file", args: { path, content: "x" } }] }],
});

/** The inbox, polled until `ready` holds for what it lists (each session mirrors its activity asynchronously). */
async function inboxUntil(ready: (items: PendingApproval[]) => boolean): Promise<PendingApproval[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { data } = await client().approvals.list();
    if (ready(data) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const mine = (items: PendingApproval[], ...sessions: SessionId[]) => items.filter((item) => sessions.includes(item.session_id));

describe("GET /approvals (the inbox)", () => {
  it("lists the questions of two sessions, and an answer from it resumes the right turn", async () => {
    const first = await scriptedSession([writeCall("toolu_inbox_a", "a.md"), say("A done.")], { approval_mode: "ask", title: "first" });
    const second = await scriptedSession([writeCall("toolu_inbox_b", "b.md"), say("B done.")], { approval_mode: "ask", title: "second" });
    const socketA = await joinSocket(first.session.id);
    const socketB = await joinSocket(second.session.id);
    socketA.send({ type: "send", text: "write a" });
    await socketA.next("approval_request");
    socketB.send({ type: "send", text: "write b" });
    await socketB.next("approval_request");

    const listed = mine(
      await inboxUntil((items) => mine(items, first.session.id, second.session.id).length === 2),
      first.session.id,
      second.session.id,
    );
    expect(listed).toEqual([
      expect.objectContaining({
        session_id: first.session.id,
        session_title: "first",
        call_id: "toolu_inbox_a",
        tool: "write_file",
        kind: "edit",
        args_summary: "a.md",
      }),
      expect.objectContaining({
        session_id: second.session.id,
        session_title: "second",
        call_id: "toolu_inbox_b",
        args: { path: "b.md", content: "x" },
      }),
    ]);
    expect(Date.parse(listed[0]?.asked_at ?? "")).toBeLessThanOrEqual(Date.parse(listed[1]?.asked_at ?? ""));

    // Answered from the inbox: the second session's turn goes on, the first is still asking.
    const [item] = mine(listed, second.session.id);
    if (item === undefined) throw new Error("not listed");
    await client().approvals.answer(item.session_id, item.call_id, { decision: "deny", reason: "not now" });
    expect(await socketB.next("approval_result")).toMatchObject({ call_id: "toolu_inbox_b", decision: "deny", by: "api" });
    const endB = await socketB.next("turn_end");
    expect(endB.status).toBe("completed");
    // turn_end comes before the turn's last rows are written; a wait for the turn answers once they are.
    await waitForTurn(second.session.id, endB.turn_id);
    const [audit] = (await client().toolExecutions.list(second.session.id)).data;
    expect(audit).toMatchObject({ call_id: "toolu_inbox_b", status: "denied", decided_by: "api", decided_by_rule_id: null });
    expect(mine((await client().approvals.list()).data, first.session.id, second.session.id).map((each) => each.call_id)).toEqual([
      "toolu_inbox_a",
    ]);
    await client().approvals.answer(first.session.id, "toolu_inbox_a", { decision: "deny" });
    await socketA.next("turn_end");
    expect(mine((await client().approvals.list()).data, first.session.id, second.session.id)).toEqual([]);
    // A second answer to the same call is refused: it is no longer waiting.
    const late = await api(`/sessions/${first.session.id}/approvals/toolu_inbox_a`, {
      method: "POST",
      body: JSON.stringify({ decision: "approve" }),
    });
    expect(late.status).toBe(404);
    socketA.close();
    socketB.close();
  });

  it("does not list a question whose session restarted", async () => {
    const { session } = await scriptedSession([writeCall("toolu_inbox_r"), say("again")], { approval_mode: "ask" });
    const socket = await joinSocket(session.id);
    socket.send({ type: "send", text: "write" });
    await socket.next("approval_request");
    expect(mine(await inboxUntil((items) => mine(items, session.id).length === 1), session.id)).toHaveLength(1);
    await abortAllDurableObjects();
    expect(mine((await client().approvals.list()).data, session.id)).toEqual([]);
    const after = await openSocket(session.id);
    after.close();
  });
});

describe("/approval-rules", () => {
  it("creates, lists, changes and deletes a rule", async () => {
    const rule = await createRule({
      effect: "allow",
      tool: "run_shell_command",
      match: { param: "command", pattern: "npm test*" },
      note: "tests",
    });
    expect(rule).toMatchObject({
      effect: "allow",
      tool: "run_shell_command",
      match: { param: "command", pattern: "npm test*" },
      session_id: null,
      note: "tests",
    });
    expect((await client().approvalRules.list()).data).toContainEqual(rule);
    const changed = await client().approvalRules.update(rule.id, { effect: "deny", match: null });
    expect(changed).toMatchObject({ id: rule.id, effect: "deny", match: null, note: "tests" });
    const deleted = await api(`/approval-rules/${rule.id}`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ id: rule.id, deleted: true });
    const again = await api(`/approval-rules/${rule.id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: "APPROVAL_RULE_NOT_FOUND" } });
  });

  it("lists a session's rules with the global ones, not another session's", async () => {
    const { session } = await scriptedSession([say("unused")]);
    const other = await scriptedSession([say("unused")]);
    const global = await createRule({ effect: "allow", tool: "read_file" });
    const own = await createRule({ effect: "deny", tool: "read_file", session_id: session.id });
    const foreign = await createRule({ effect: "deny", tool: "read_file", session_id: other.session.id });
    const ids = (await client().approvalRules.list({ session_id: session.id })).data.map((rule) => rule.id);
    expect(ids).toEqual(expect.arrayContaining([global.id, own.id]));
    expect(ids).not.toContain(foreign.id);
  });

  it.each([
    ["an unknown effect", { effect: "maybe", tool: "read_file" }, 400, "INVALID_REQUEST"],
    ["no tool", { effect: "allow" }, 400, "INVALID_REQUEST"],
    ["an unknown field", { effect: "allow", tool: "read_file", scope: "all" }, 400, "INVALID_REQUEST"],
    ["an empty pattern", { effect: "allow", tool: "run_shell_command", match: { param: "command", pattern: " " } }, 400, "INVALID_REQUEST"],
    ["an unknown parameter kind", { effect: "allow", tool: "read_file", match: { param: "url", pattern: "x" } }, 400, "INVALID_REQUEST"],
    [
      "a parameter the tool does not have",
      { effect: "allow", tool: "read_file", match: { param: "command", pattern: "x" } },
      400,
      "INVALID_REQUEST",
    ],
    [
      "a session that does not exist",
      { effect: "allow", tool: "read_file", session_id: "00000000-0000-4000-8000-000000000000" },
      404,
      "SESSION_NOT_FOUND",
    ],
  ])("refuses %s with a clear error and stores nothing", async (_what, body, status, code) => {
    const before = (await client().approvalRules.list()).data.length;
    const response = await api("/approval-rules", { method: "POST", body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    const error = ErrorBodySchema.parse(await response.json());
    expect(error.error.code).toBe(code);
    expect(error.error.message.length).toBeGreaterThan(0);
    expect((await client().approvalRules.list()).data).toHaveLength(before);
  });

  it("refuses an empty change and a change to a rule that does not exist", async () => {
    const rule = await createRule({ effect: "allow", tool: "read_file" });
    const empty = await api(`/approval-rules/${rule.id}`, { method: "PATCH", body: JSON.stringify({}) });
    expect(empty.status).toBe(400);
    const missing = await api("/approval-rules/00000000-0000-4000-8000-000000000000", {
      method: "PATCH",
      body: JSON.stringify({ note: "x" }),
    });
    expect(missing.status).toBe(404);
    const badId = await api("/approval-rules/not-a-uuid", { method: "PATCH", body: JSON.stringify({ note: "x" }) });
    expect(badId.status).toBe(400);
  });
});

describe("rules applied before asking", () => {
  it("an allow rule runs the call without a question; a deny rule refuses the next with the rule named; both are recorded", async () => {
    const { session } = await scriptedSession(
      [
        {
          steps: [
            {
              kind: "tool_calls",
              calls: [{ id: "toolu_rule_allow", name: "write_file", args: { path: "./src/../notes.md", content: "x" } }],
            },
          ],
        },
        {
          steps: [
            {
              kind: "tool_calls",
              calls: [{ id: "toolu_rule_deny", name: "write_file", args: { path: "deploy/../deploy/prod.yml", content: "x" } }],
            },
          ],
        },
        say("done"),
      ],
      { approval_mode: "always" },
    );
    const allow = await createRule({ effect: "allow", tool: "write_file", session_id: session.id });
    const deny = await createRule({
      effect: "deny",
      tool: "write_file",
      match: { param: "path", pattern: "deploy/**" },
      note: "no deploys",
    });
    const socket = await joinSocket(session.id);
    socket.send({ type: "send", text: "write both" });
    const end = await socket.next("turn_end");
    expect(end.status).toBe("completed");
    // turn_end comes before the turn's rows are written; a wait for the turn answers once they are.
    await waitForTurn(session.id, end.turn_id);
    expect(socket.received.some((frame) => frame.type === "approval_request")).toBe(false);
    const results = socket.received.flatMap((frame) => (frame.type === "event" && frame.event.type === "tool_result" ? [frame.event] : []));
    // Allowed: it ran, and answered that no agent is connected (this test has none).
    expect(results[0]).toMatchObject({
      call_id: "toolu_rule_allow",
      error_code: "AGENT_OFFLINE",
      decided_by_rule: { id: allow.id, effect: "allow" },
    });
    expect(results[1]).toMatchObject({
      call_id: "toolu_rule_deny",
      ok: false,
      error_code: "DENIED_BY_RULE",
      decided_by_rule: { id: deny.id, effect: "deny" },
    });
    expect(results[1]?.output).toContain(deny.id);
    expect(results[1]?.output).toContain("deploy/**");

    const rows = await withDb((db) => db.select().from(toolExecutions).where(eq(toolExecutions.sessionId, session.id)));
    const byCall = new Map(rows.map((row) => [row.callId, row]));
    expect(byCall.get("toolu_rule_allow")).toMatchObject({ decidedByRuleId: allow.id, decidedBy: "rule", errorCode: "AGENT_OFFLINE" });
    expect(byCall.get("toolu_rule_deny")).toMatchObject({
      decidedByRuleId: deny.id,
      decidedBy: "rule",
      status: "denied",
      errorCode: "DENIED_BY_RULE",
    });
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data.find((row) => row.call_id === "toolu_rule_deny")?.decided_by_rule_id).toBe(deny.id);
    socket.close();
  });
});
