// Proves: `maestro approvals` lists every waiting approval across sessions, numbered oldest first,
// with session, tool, arguments, machine, age and call id (and says so when there is none);
// `maestro approvals approve|approve-session|deny` answers the one picked by number or call id
// through the session's approval route with the right decision (and the reason); a number or id
// that is not waiting is one line and exit 1, and nothing is answered.
import { type PendingApproval, PendingApprovalSchema, createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answerApproval, listApprovals } from "./approvals.ts";
import { main } from "../main.ts";
import { capture } from "./capture-output.ts";

const NOW = Date.parse("2026-12-05T02:00:00.000Z");
const OTHER_SESSION = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

const PENDING: PendingApproval[] = [
  PendingApprovalSchema.parse({
    session_id: SAMPLE_SESSION.id,
    session_title: "Refactor",
    turn_id: "0b6f5f3e-5a0c-4d6b-9d25-2c1b8f1e7a01",
    call_id: "toolu_first",
    tool: "run_shell_command",
    kind: "execute",
    args: { command: "npm test" },
    args_summary: "npm test",
    agent_id: "4d7f1c7e-8e5d-4c2a-9b0f-1a2b3c4d5e6f",
    agent_name: "laptop",
    asked_at: "2026-12-05T01:59:30.000Z",
    expires_at: "2026-12-05T02:04:30.000Z",
  }),
  PendingApprovalSchema.parse({
    session_id: OTHER_SESSION,
    session_title: "Deploy",
    turn_id: "0b6f5f3e-5a0c-4d6b-9d25-2c1b8f1e7a02",
    call_id: "toolu_second",
    tool: "write_file",
    kind: "edit",
    args: { path: "deploy/prod.yml", content: "x" },
    args_summary: "deploy/prod.yml",
    agent_id: null,
    agent_name: null,
    asked_at: "2026-12-05T01:57:00.000Z",
    expires_at: "2026-12-05T02:02:00.000Z",
  }),
];

function fakeApi(pending: PendingApproval[]) {
  const answers: { path: string; body: unknown }[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname === "/api/v1/approvals") return Response.json({ data: pending });
      const body = z
        .object({ decision: z.string() })
        .loose()
        .parse(await new Response(init?.body).json());
      answers.push({ path: url.pathname, body });
      return Response.json({ call_id: url.pathname.split("/").at(-1), decision: body.decision });
    },
  });
  return { client, answers };
}

describe("maestro approvals", () => {
  it("lists what waits, numbered, with session, tool, arguments, machine, age and call id", async () => {
    const { client } = fakeApi(PENDING);
    const printed = capture();
    expect(await listApprovals(client, printed.output, () => NOW)).toBe(0);
    const lines = printed.out().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^#\s+SESSION\s+TOOL\s+ARGUMENTS\s+MACHINE\s+ASKED\s+CALL ID$/);
    expect(lines[1]).toMatch(/^1\s+Refactor\s+run_shell_command\s+npm test\s+laptop\s+30s ago\s+toolu_first$/);
    expect(lines[2]).toMatch(/^2\s+Deploy\s+write_file\s+deploy\/prod\.yml\s+-\s+3m ago\s+toolu_second$/);
  });

  it("says so when nothing waits", async () => {
    const printed = capture();
    expect(await listApprovals(fakeApi([]).client, printed.output)).toBe(0);
    expect(printed.err()).toBe("Nothing is waiting for your approval.\n");
    expect(printed.out()).toBe("");
  });

  it("answers by number and by call id, through the right session, with the decision and reason", async () => {
    const api = fakeApi(PENDING);
    const printed = capture();
    expect(await answerApproval(api.client, "approve-session", "1", undefined, printed.output)).toBe(0);
    expect(await answerApproval(api.client, "deny", "toolu_second", "not on prod", printed.output)).toBe(0);
    expect(api.answers).toEqual([
      { path: `/api/v1/sessions/${SAMPLE_SESSION.id}/approvals/toolu_first`, body: { decision: "approve_session" } },
      { path: `/api/v1/sessions/${OTHER_SESSION}/approvals/toolu_second`, body: { decision: "deny", reason: "not on prod" } },
    ]);
    expect(printed.out()).toContain("Approved for the session: run_shell_command npm test (Refactor)");
    expect(printed.out()).toContain("Denied: write_file deploy/prod.yml (Deploy)");
  });

  it("refuses a number or id that is not waiting, answering nothing", async () => {
    const api = fakeApi(PENDING);
    const printed = capture();
    expect(await answerApproval(api.client, "approve", "3", undefined, printed.output)).toBe(1);
    expect(await answerApproval(api.client, "approve", "toolu_gone", undefined, printed.output)).toBe(1);
    expect(printed.err()).toContain("No approval number 3 is waiting");
    expect(printed.err()).toContain("No approval with call id toolu_gone is waiting");
    expect(api.answers).toEqual([]);
  });

  it("names its verbs in --help", async () => {
    const printed = capture();
    expect(await main(["approvals", "--help"], printed.output)).toBe(0);
    expect(printed.out()).toContain("approve|approve-session|deny <n or call id>");
  });
});
