/**
 * `npm run dev -- --demo`: the provider simulator with the demo brain, and clearly labelled demo
 * credentials (one per provider) and a demo session that point at it, so a new user with no API
 * key can try chat, tool calls and approvals end to end. Added once; later runs reuse them.
 */
import { type CredentialId, createRestClient } from "@maestro/protocol";
import { OVERLOADED_MID_LOOP_KEY, demoBrain } from "../test/simulators/demo-brain.ts";
import { type Simulator, startSimulator } from "../test/simulators/server.ts";

export const DEMO_LABEL_PREFIX = "Demo (simulated, no real model)";

const DEMO_PROVIDERS = ["anthropic", "openai", "openai_responses", "gemini"] as const;

/** A demo Anthropic that is overloaded once a tool has answered: the failover demo's primary. */
export const DEMO_OVERLOADED_LABEL = "Failover demo (simulated): anthropic, overloaded mid tool loop";

export async function startDemoSimulator(): Promise<Simulator> {
  return startSimulator({ brain: demoBrain });
}

export async function ensureDemoData(origin: string, token: string, simulatorUrl: string): Promise<void> {
  const client = createRestClient({ baseUrl: origin, token });
  const existing = await client.credentials.list();
  // Made first, so it is listed last: nothing picks it by default.
  const foundOverloaded = existing.data.find((credential) => credential.label === DEMO_OVERLOADED_LABEL);
  const overloaded = foundOverloaded
    ? await client.credentials.update(foundOverloaded.id, { base_url: simulatorUrl })
    : await client.credentials.create({
        provider: "anthropic",
        auth_type: "api_key",
        label: DEMO_OVERLOADED_LABEL,
        api_key: OVERLOADED_MID_LOOP_KEY,
        base_url: simulatorUrl,
      });

  let anthropicId: CredentialId | undefined;
  let openaiId: CredentialId | undefined;
  for (const provider of DEMO_PROVIDERS) {
    const label = `${DEMO_LABEL_PREFIX}: ${provider}`;
    const baseUrl = provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl;
    const found = existing.data.find((credential) => credential.label === label);
    // The simulator's port changes between runs: point the demo credentials at this run's.
    const credential = found
      ? await client.credentials.update(found.id, { base_url: baseUrl })
      : await client.credentials.create({ provider, auth_type: "api_key", label, api_key: "demo-key-not-secret", base_url: baseUrl });
    if (provider === "anthropic") anthropicId = credential.id;
    if (provider === "openai") openaiId = credential.id;
  }
  const failoverSessions = await client.sessions.list({ q: "Failover demo" });
  if (failoverSessions.data.length === 0 && openaiId !== undefined) {
    await client.sessions.create({
      title: "Failover demo (Anthropic overloaded mid tool loop → OpenAI)",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: overloaded.id,
      approval_mode: "ask",
      system_prompt: "You are the Maestro demo model.",
      fallbacks: [{ provider: "openai", model: "gpt-4.1", credential_id: openaiId }],
    });
  }
  const sessions = await client.sessions.list({ q: "Demo session" });
  if (sessions.data.length === 0 && anthropicId !== undefined) {
    await client.sessions.create({
      title: "Demo session (simulated model)",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: anthropicId,
      approval_mode: "ask",
      system_prompt: "You are the Maestro demo model.",
    });
  }
}
