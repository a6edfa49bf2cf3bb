// Proves a local tool call's path (issue 15): the step's answer is written to Postgres behind the
// call (write-behind, and only once the call has been sent), so a slow write never holds the call
// to the user's machine; the answer is stored all the same, and the turn goes on with the result.
// The approval rules that decide the call are read while the model writes it, so nothing between
// the step and the call waits for Postgres.
import { AgentIdSchema, type SessionId } from "@maestro/protocol";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { withDb } from "../helpers/db.ts";
import { watchRoundTrips } from "../helpers/round-trips.ts";
import { connectAgent, createAgent } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { waitForTurn } from "../helpers/turns.ts";

const simulatorUrl = () => inject("simulatorUrl");

const WRITE_MS = 2000;

/** Makes the insert of this session's answer that makes call `callId` take WRITE_MS; returns the undo. */
async function slowToolCallAnswers(sessionId: SessionId, callId: string) {
  await withDb(async (db) => {
    await db.execute(sql`create table if not exists tool_call_path_slow (session_id uuid primary key, call_id text not null)`);
    await db.execute(sql`
      create or replace function tool_call_path_slow() returns trigger language plpgsql as $$
      begin
        if new.role = 'assistant' and exists (
          select 1 from tool_call_path_slow s where s.session_id = new.session_id and position(s.call_id in new.content::text) > 0
        ) then
          perform pg_sleep(${sql.raw(String(WRITE_MS / 1000))});
        end if;
        return new;
      end $$`);
    await db.execute(sql`drop trigger if exists tool_call_path_slow on messages`);
    await db.execute(sql`create trigger tool_call_path_slow before insert on messages for each row execute function tool_call_path_slow()`);
    await db.execute(sql`insert into tool_call_path_slow values (${sessionId}, ${callId})`);
  });
  return () => withDb((db) => db.execute(sql`delete from tool_call_path_slow where session_id = ${sessionId}`));
}

describe("a local tool call", () => {
  it("reaches the agent while its step's answer is still being written to Postgres, and the answer is stored all the same", async () => {
    const agent = await createAgent();
    const tunnel = await connectAgent(agent);
    const read = (id: string, path: string) => ({
      steps: [{ kind: "tool_calls" as const, calls: [{ id, name: "read_file", args: { path } }] }],
    });
    const { session } = await scriptedSession([read("toolu_first", "a.txt"), read("toolu_slow", "b.txt"), say("Read both.")], {
      approval_mode: "auto",
      extra: { agent_id: AgentIdSchema.parse(agent.id) },
    });
    const web = await joinSocket(session.id, "web");
    const undo = await slowToolCallAnswers(session.id, "toolu_slow");
    try {
      web.send({ type: "send", text: "read a.txt, then b.txt" });
      const first = await tunnel.next("call");
      tunnel.send({ type: "result", id: first.id, outcome: { ok: true, output: "1\ta" }, duration_ms: 1 });
      // The second step's answer takes WRITE_MS to insert; its call must not wait for that.
      let step = await web.next("message", WRITE_MS);
      while (!JSON.stringify(step.message.content).includes("toolu_slow")) step = await web.next("message", WRITE_MS);
      const shownAt = Date.now();
      const call = await tunnel.next("call", WRITE_MS / 2);
      expect(Date.now() - shownAt).toBeLessThan(WRITE_MS / 2);
      expect(call).toMatchObject({ tool: "read_file", params: { path: "b.txt" } });
      tunnel.send({ type: "result", id: call.id, outcome: { ok: true, output: "1\tb" }, duration_ms: 1 });
      const end = await web.next("turn_end", WRITE_MS * 3);
      expect(end).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "Read both." }] } });
      await waitForTurn(session.id, end.turn_id);
      const stored = await withDb((db) =>
        db.execute<{ role: string }>(sql`select role from messages where session_id = ${session.id} order by created_at`),
      );
      expect(stored.rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant", "tool", "assistant"]);
    } finally {
      await undo();
      web.close();
      tunnel.close();
    }
  });

  it("waits for no query once its step is stored: the approval rules were read while the model wrote the call", async () => {
    const agent = await createAgent();
    const tunnel = await connectAgent(agent);
    const { session } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls" as const, calls: [{ id: "toolu_ruled", name: "read_file", args: { path: "a.txt" } }] }] },
        say("Read it."),
      ],
      { approval_mode: "auto", extra: { agent_id: AgentIdSchema.parse(agent.id) } },
    );
    const web = await joinSocket(session.id, "web");
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      web.send({ type: "send", text: "read a.txt" });
      const call = await tunnel.next("call");
      tunnel.send({ type: "result", id: call.id, outcome: { ok: true, output: "1\ta" }, duration_ms: 1 });
      expect(await web.next("turn_end")).toMatchObject({ status: "completed" });
      // The step's answer is shown (its frames written) and then the call leaves, with no read between
      // (the session's earlier writes may go on meanwhile: nothing waits for them).
      const called = watch.log.indexOf("agent.call");
      const stepShown = watch.log.findLastIndex(
        (entry, index) => index < called && entry.startsWith("storage.frames") && entry.endsWith("message"),
      );
      expect(stepShown).toBeGreaterThan(-1);
      expect(watch.log.slice(stepShown, called)).not.toContain("db.select");
      expect(watch.log.slice(0, stepShown)).toContain("db.select");
    } finally {
      await watch.stop();
      web.close();
      tunnel.close();
    }
  });
});
