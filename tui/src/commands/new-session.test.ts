// Proves: `maestro new --agent <name>` binds the session to those local agents, in order, with a
// template or a model alike; without it nothing is bound (the server's default applies); an
// unknown name is the server's one-line refusal naming it, and exit 1.
import { createRestClient } from "@maestro/protocol";
import { SAMPLE_CREDENTIAL, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import { newSession } from "./new-session.ts";
import { capture } from "./capture-output.ts";

const CREDENTIAL = SAMPLE_CREDENTIAL;
const TEMPLATE = "00000000-0000-4000-8000-0000000000d1";

/** An API that lists one credential and records every session it is asked to create. */
function fakeApi(refuse?: { field: string; message: string }) {
  const created: unknown[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === "/api/v1/credentials") return Response.json({ data: [CREDENTIAL] });
      created.push(JSON.parse(typeof init?.body === "string" ? init.body : "null"));
      if (refuse !== undefined)
        return Response.json(
          { error: { code: "INVALID_REQUEST", message: `Cannot bind the session: ${refuse.message}.`, fields: [refuse] } },
          { status: 400 },
        );
      return Response.json(SAMPLE_SESSION, { status: 201 });
    },
  });
  return { client, created };
}

describe("maestro new --agent", () => {
  it("binds the named agents in order, with a model or a template; binds none without the flag", async () => {
    const api = fakeApi();
    const printed = capture();
    expect(await newSession(api.client, { model: "claude-sonnet-4-5", agent: ["laptop", "build-box"] }, printed.output)).toBe(0);
    expect(printed.out()).toBe(`${SAMPLE_SESSION.id}\n`);
    expect(await newSession(api.client, { template: TEMPLATE, agent: ["build-box"] }, printed.output)).toBe(0);
    expect(await newSession(api.client, { model: "claude-sonnet-4-5" }, printed.output)).toBe(0);
    expect(api.created).toEqual([
      { provider: "anthropic", model: "claude-sonnet-4-5", credential_id: CREDENTIAL.id, agents: ["laptop", "build-box"] },
      { template_id: TEMPLATE, agents: ["build-box"] },
      { provider: "anthropic", model: "claude-sonnet-4-5", credential_id: CREDENTIAL.id },
    ]);
  });

  it("says in one line which name the server does not know, and exits 1", async () => {
    const api = fakeApi({ field: "agents.0", message: 'no local agent is named "lapotp"' });
    const printed = capture();
    expect(await newSession(api.client, { model: "claude-sonnet-4-5", agent: ["lapotp"] }, printed.output)).toBe(1);
    expect(printed.err()).toMatch(/no local agent is named "lapotp"/);
    expect(printed.err().trim().split("\n")).toHaveLength(1);
    expect(printed.out()).toBe("");
  });
});
