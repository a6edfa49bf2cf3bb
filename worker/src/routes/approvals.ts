/**
 * GET /approvals: the inbox — every tool call waiting for the user's answer, across all sessions
 * (issue 14 §7). The session objects hold the truth; Redis (where each session mirrors its
 * activity) only says which ones to ask, so an approval already answered, or whose turn ended or
 * was lost in a restart, is never listed. Answers go to POST /sessions/:id/approvals/:call_id.
 */
import { createRoute } from "@hono/zod-openapi";
import { type PendingApproval, PendingApprovalListSchema, PendingApprovalSchema, SessionIdSchema } from "@maestro/protocol";
import { z } from "zod";
import { agentNames, listActiveSessionTitles } from "../db/queries/approval-inbox.ts";
import { type LiveState, readLiveStates } from "../kv/presence.ts";
import { unwrapRpcResult } from "../session/rpc-result.ts";
import { sessionStub } from "../session/stub.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

const SUMMARY_CHARS = 200;

/** What a session object answers (session/approvals.ts OpenQuestion), checked on the way in. */
const OpenQuestionsSchema = z.array(
  PendingApprovalSchema.pick({
    turn_id: true,
    call_id: true,
    tool: true,
    kind: true,
    args: true,
    asked_at: true,
    expires_at: true,
    agent_id: true,
  }),
);

export const approvals = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Every approval waiting for an answer, across all sessions, oldest first",
    responses: { 200: jsonResponse(PendingApprovalListSchema, "Pending approvals"), ...errorResponses(401) },
  }),
  async (c) => {
    const { db, redis } = c.var.services;
    const sessions = await listActiveSessionTitles(db);
    const live = await readLiveStates(
      redis,
      sessions.map((session) => session.id),
    ).catch((error: unknown) => {
      c.var.log.warn("presence.unavailable", { error });
      return new Map<string, LiveState>();
    });
    const asking = sessions.filter((session) => live.get(session.id)?.activity === "waiting_approval");
    // One session that cannot answer (a bug, an overloaded object) must not hide every other's questions.
    const perSession = await Promise.allSettled(
      asking.map(async (session) => {
        const id = SessionIdSchema.parse(session.id);
        const open = OpenQuestionsSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).pendingApprovals(id)));
        return open.map((question): PendingApproval => ({
          ...question,
          session_id: id,
          session_title: session.title,
          args_summary: summarizeArgs(question.args),
          agent_name: null,
        }));
      }),
    );
    const pending = perSession.flatMap((result, index) => {
      if (result.status === "fulfilled") return result.value;
      c.var.log.error("approvals.session_unreadable", { session_id: asking[index]?.id, error: result.reason });
      return [];
    });
    const names = await agentNames(db, [...new Set(pending.flatMap((each) => (each.agent_id === null ? [] : [each.agent_id])))]);
    const data = pending
      .map((each) => ({ ...each, agent_name: each.agent_id === null ? null : (names.get(each.agent_id) ?? null) }))
      .sort((a, b) => a.asked_at.localeCompare(b.asked_at));
    return c.json({ data }, 200);
  },
);

/** The argument a person decides on (the command, the path), or the arguments as JSON, capped. */
export function summarizeArgs(args: Record<string, unknown>): string {
  const key = ["command", "path", "url", "code"].find((name) => typeof args[name] === "string");
  const text = key === undefined ? JSON.stringify(args) : String(args[key]);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}
