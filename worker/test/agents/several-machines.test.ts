// Proves (issue 14 §6): a session binds local agents by name. Names are unique among live agents
// (ignoring case), so a create or rename into a taken name is a 409; a binding with an unknown name
// is a 400 naming the entry and changes nothing; `agent_id` still works as a binding of one; a
// template's agents carry into its sessions; a rename keeps the binding. Through two hand-driven
// agents: the model is offered `machine` with both names and roots, each call reaches only the
// agent it names (without the argument), and the frames, stored results and audit name the
// machine; with one bound agent the tool schema is today's and the card still names it.
import { AgentIdSchema, SessionIdSchema } from "@maestro/protocol";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { api, client, json } from "../helpers/api.ts";
import { connectAgent, createAgent, registerFrame } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests } from "../simulators/client.ts";
import { waitForTurn } from "../helpers/turns.ts";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

async function offeredTool(key: string, name: string) {
  const [first] = await recordedRequests(inject("simulatorUrl"), key);
  return (first?.body as { tools: { name: string; description: string; input_schema: Record<string, unknown> }[] }).tools.find(
    (tool) => tool.name === name,
  );
}

describe("binding agents by name", () => {
  it("refuses a second live agent with the same name, ignoring case, on create and on rename", async () => {
    const name = unique("Laptop");
    const first = await createAgent(name);
    const again = await api("/agents", { method: "POST", body: JSON.stringify({ name: name.toUpperCase() }) });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: { code: "CONFLICT", fields: [{ field: "name" }] } });

    const other = await createAgent();
    const rename = await api(`/agents/${other.id}`, { method: "PATCH", body: JSON.stringify({ name }) });
    expect(rename.status).toBe(409);
    // Renaming an agent to its own name (another case) is no conflict; a revoked agent frees its name.
    expect((await api(`/agents/${first.id}`, { method: "PATCH", body: JSON.stringify({ name: name.toLowerCase() }) })).status).toBe(200);
    await client().agents.delete(AgentIdSchema.parse(first.id));
    expect((await api("/agents", { method: "POST", body: JSON.stringify({ name }) })).status).toBe(201);
  });

  it("binds agents by name in order, keeps agent_id as a binding of one, and follows a rename", async () => {
    const [laptop, ci] = [unique("laptop"), unique("ci")];
    const laptopAgent = await createAgent(laptop);
    await createAgent(ci);
    const { session } = await scriptedSession([say("unused")], { extra: { agents: [ci, laptop.toUpperCase()] } });
    expect(session).toMatchObject({ agents: [ci, laptop], agent_id: null });

    const one = await scriptedSession([say("unused")], { extra: { agent_id: AgentIdSchema.parse(laptopAgent.id) } });
    expect(one.session).toMatchObject({ agents: [laptop], agent_id: laptopAgent.id });
    const none = await client().sessions.update(one.session.id, { agents: [] });
    expect(none).toMatchObject({ agents: [], agent_id: null });

    // Any name an agent can have binds, NUL and all (names are stored encoded: safe-text.ts).
    const awkward = unique("desk \u0000 \uD800");
    await createAgent(awkward);
    expect((await client().sessions.update(one.session.id, { agents: [awkward] })).agents).toEqual([awkward]);

    const renamed = unique("renamed");
    await client().agents.update(AgentIdSchema.parse(laptopAgent.id), { name: renamed });
    expect((await client().sessions.get(session.id)).agents).toEqual([ci, renamed]);
  });

  it("refuses an unknown name with a 400 naming the entry, and changes nothing", async () => {
    const laptop = unique("laptop");
    await createAgent(laptop);
    const { session } = await scriptedSession([say("unused")], { extra: { agents: [laptop] } });

    const created = await api("/sessions", {
      method: "POST",
      body: JSON.stringify({ provider: "openai", model: "m", agents: [laptop, "nowhere"] }),
    });
    expect(created.status).toBe(400);
    expect(await json(created)).toMatchObject({ error: { code: "INVALID_REQUEST", fields: [{ field: "agents.1" }] } });

    const patched = await api(`/sessions/${session.id}`, {
      method: "PATCH",
      body: JSON.stringify({ agents: ["nowhere"], title: "changed" }),
    });
    expect(patched.status).toBe(400);
    expect(await json(patched)).toMatchObject({ error: { fields: [{ field: "agents.0" }] } });
    expect(await client().sessions.get(session.id)).toMatchObject({ title: session.title, agents: [laptop] });

    for (const body of [{ agents: [laptop, laptop.toUpperCase()] }, { agents: [laptop], agent_id: session.id }]) {
      const response = await api(`/sessions/${session.id}`, { method: "PATCH", body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: "INVALID_REQUEST", fields: [{ field: "agents" }] } });
    }
  });

  it("gives a template's agents to the sessions made from it, unless they name their own", async () => {
    const [laptop, ci] = [unique("laptop"), unique("ci")];
    await createAgent(laptop);
    await createAgent(ci);
    const template = await client().templates.create({ name: "two machines", provider: "openai", model: "m", agents: [laptop, ci] });
    expect(template.agents).toEqual([laptop, ci]);
    const fromTemplate = await client().sessions.create({ template_id: template.id });
    expect(fromTemplate.agents).toEqual([laptop, ci]);
    const own = await client().sessions.create({ template_id: template.id, agents: [ci] });
    expect(own.agents).toEqual([ci]);

    const bad = await api(`/templates/${template.id}`, { method: "PATCH", body: JSON.stringify({ agents: ["nowhere"] }) });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { fields: [{ field: "agents.0" }] } });
    expect((await client().templates.get(template.id)).agents).toEqual([laptop, ci]);
  });
});

describe("tool calls on several machines", () => {
  it("offers a machine argument and runs each call on the machine it names", async () => {
    const [laptop, ci] = [unique("laptop"), unique("ci box")];
    const laptopAgent = await createAgent(laptop);
    const ciAgent = await createAgent(ci);
    const onLaptop = await connectAgent(laptopAgent, { register: registerFrame({ name: "laptop", roots: ["/home/me/app"] }) });
    const onCi = await connectAgent(ciAgent, { register: registerFrame({ name: "ci", roots: ["/srv/ci"] }) });
    const { session, key } = await scriptedSession(
      [
        {
          steps: [
            {
              kind: "tool_calls",
              calls: [
                { id: "toolu_m1", name: "read_file", args: { machine: laptop, path: "README.md" } },
                { id: "toolu_m2", name: "read_file", args: { machine: ci, path: "build.log" } },
              ],
            },
          ],
        },
        say("Both read."),
      ],
      { approval_mode: "auto", extra: { agents: [laptop, ci], working_directory: "/home/me/app" } },
    );
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read both" });

    const [laptopCall, ciCall] = await Promise.all([onLaptop.next("call"), onCi.next("call")]);
    expect(laptopCall).toMatchObject({ tool: "read_file", params: { path: "README.md" }, cwd: null });
    expect(ciCall).toMatchObject({ tool: "read_file", params: { path: "build.log" }, cwd: null });
    onLaptop.send({ type: "result", id: laptopCall.id, outcome: { ok: true, output: "laptop readme" }, duration_ms: 1 });
    onCi.send({ type: "result", id: ciCall.id, outcome: { ok: true, output: "ci log" }, duration_ms: 1 });
    const end = await web.next("turn_end");
    expect(end.status).toBe("completed");
    // turn_end comes before the turn's last rows are written; a wait for the turn answers once they are.
    await waitForTurn(SessionIdSchema.parse(session.id), end.turn_id);
    expect(onLaptop.received.filter((frame) => frame.type === "call")).toHaveLength(1);
    expect(onCi.received.filter((frame) => frame.type === "call")).toHaveLength(1);

    const results = web.received.flatMap((frame) => (frame.type === "event" && frame.event.type === "tool_result" ? [frame.event] : []));
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ call_id: "toolu_m1", output: "laptop readme", machine: laptop }),
        expect.objectContaining({ call_id: "toolu_m2", output: "ci log", machine: ci }),
      ]),
    );
    const stored = (await client().messages.list(SessionIdSchema.parse(session.id))).data.flatMap((message) =>
      message.content.flatMap((part) => (part.type === "tool_result" ? [[part.call_id, part.machine]] : [])),
    );
    expect(stored).toEqual(
      expect.arrayContaining([
        ["toolu_m1", laptop],
        ["toolu_m2", ci],
      ]),
    );
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data.map((row) => [row.call_id, row.agent_id, row.machine]).sort()).toEqual([
      ["toolu_m1", laptopAgent.id, laptop],
      ["toolu_m2", ciAgent.id, ci],
    ]);

    const offered = await offeredTool(key, "read_file");
    expect(offered?.input_schema).toMatchObject({
      required: expect.arrayContaining(["machine", "path"]),
      properties: { machine: { type: "string", enum: [laptop, ci] } },
    });
    expect(offered?.description).toContain(`"${laptop}" (roots: /home/me/app)`);
    expect(offered?.description).toContain(`"${ci}" (roots: /srv/ci)`);
    web.close();
    onLaptop.close();
    onCi.close();
  });

  it("with one bound agent offers today's schema and still names the machine on the card", async () => {
    const laptop = unique("laptop");
    const agent = await createAgent(laptop);
    const fake = await connectAgent(agent);
    const { session, key } = await scriptedSession(
      [{ steps: [{ kind: "tool_calls", calls: [{ id: "toolu_one", name: "read_file", args: { path: "a.txt" } }] }] }, say("Read.")],
      { approval_mode: "auto", extra: { agents: [laptop], working_directory: "/home/dev/project" } },
    );
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read" });
    const call = await fake.next("call");
    expect(call).toMatchObject({ params: { path: "a.txt" }, cwd: "/home/dev/project" });
    fake.send({ type: "result", id: call.id, outcome: { ok: true, output: "a" }, duration_ms: 1 });
    await web.next("turn_end");
    const results = web.received.flatMap((frame) => (frame.type === "event" && frame.event.type === "tool_result" ? [frame.event] : []));
    expect(results).toMatchObject([{ call_id: "toolu_one", machine: laptop }]);
    const offered = await offeredTool(key, "read_file");
    expect(offered?.input_schema).not.toHaveProperty("properties.machine");
    web.close();
    fake.close();
  });
});
