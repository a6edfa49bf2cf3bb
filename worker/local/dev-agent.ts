/**
 * `npm run dev -- --agent [dir]`: a maestro-agent for this machine, so local tools work out of
 * the box. The agent is created once through the API and its one-time token kept in
 * `.maestro/agent.json` (mode 0600); the token reaches the agent through its environment, never
 * its command line (which `ps` shows).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AgentIdSchema, createRestClient, parseJson } from "@maestro/protocol";
import { z } from "zod";
import { type Child, startChild } from "./child-process.ts";
import { REPO_ROOT } from "./wrangler.ts";

const SavedAgentSchema = z.object({ id: AgentIdSchema, token: z.string() });
const AGENT_NAME = "This machine (npm run dev)";

async function ensureAgent(origin: string, apiToken: string, statePath: string): Promise<z.infer<typeof SavedAgentSchema>> {
  const client = createRestClient({ baseUrl: origin, token: apiToken });
  const text = await readFile(statePath, "utf8").catch(() => undefined);
  const parsed = text === undefined ? undefined : parseJson(text);
  const saved = parsed?.ok === true ? SavedAgentSchema.safeParse(parsed.value) : undefined;
  if (saved?.success === true) {
    const known = (await client.agents.list()).data.find((agent) => agent.id === saved.data.id);
    if (known !== undefined && known.revoked_at === null) return saved.data;
  }
  // Names are unique among live agents: one left from a run whose agent.json is gone cannot be
  // used (its token was shown once and is lost), so it is revoked and replaced.
  const stale = (await client.agents.list()).data.find((agent) => agent.name === AGENT_NAME && agent.revoked_at === null);
  if (stale !== undefined) await client.agents.delete(stale.id);
  const created = await client.agents.create({ name: AGENT_NAME });
  const agent = { id: created.id, token: created.token };
  await writeFile(statePath, `${JSON.stringify(agent)}\n`, { mode: 0o600 });
  return agent;
}

export async function startDevAgent(options: { origin: string; apiToken: string; stateDir: string; root: string }): Promise<Child> {
  const agent = await ensureAgent(options.origin, options.apiToken, join(options.stateDir, "agent.json"));
  return startChild(
    "agent",
    process.execPath,
    [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", options.origin, "--root", options.root, "--name", AGENT_NAME],
    { cwd: options.root, env: { MAESTRO_AGENT_TOKEN: agent.token } },
  );
}
