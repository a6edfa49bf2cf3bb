// Sessions whose model is the simulator playing a script: a credential with a fresh script key
// pointing at the simulator, and a session using it.
import type { ApprovalMode, CreateSessionBody, ProviderId, Session } from "@maestro/protocol";
import { inject } from "vitest";
import { registerScript, scriptKey } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";
import { client } from "./api.ts";

export interface ScriptedSession {
  readonly session: Session;
  readonly key: string;
}

const MODELS: Partial<Record<ProviderId, string>> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  gemini: "gemini-2.5-pro",
};

export async function scriptedSession(
  turns: TurnInput[],
  options: {
    provider?: ProviderId;
    approval_mode?: ApprovalMode;
    enabled_tools?: string[] | null;
    title?: string;
    /** Any other field of the create body (agent_id, working_directory, enabled_mcp…). */
    extra?: Partial<CreateSessionBody>;
  } = {},
): Promise<ScriptedSession> {
  const provider = options.provider ?? "anthropic";
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(provider);
  await registerScript(simulatorUrl, key, turns);
  const baseUrl = provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl;
  const credential = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label: "simulator",
    api_key: key,
    base_url: baseUrl,
  });
  const session = await client().sessions.create({
    provider,
    model: MODELS[provider] ?? "model",
    credential_id: credential.id,
    title: options.title ?? "scripted",
    system_prompt: "You are a test.",
    ...(options.approval_mode !== undefined && { approval_mode: options.approval_mode }),
    ...(options.enabled_tools !== undefined && { enabled_tools: options.enabled_tools }),
    ...options.extra,
  });
  return { session, key };
}

export const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });
