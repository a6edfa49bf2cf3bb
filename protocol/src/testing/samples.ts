/** Sample values for tests (here and in the clients, as `@maestro/protocol/testing`): one valid instance of each shared shape. */
import { CredentialSchema, type Credential } from "../rest/credentials.ts";
import { MessageSchema, type Message } from "../rest/messages.ts";
import { ModelSchema, type Model } from "../rest/models.ts";
import { QueueEntrySchema, type QueueEntry } from "../rest/queue.ts";
import { SessionSchema, type Session } from "../rest/sessions.ts";
import { ToolCallIdSchema, TurnIdSchema } from "../ids.ts";

export const SAMPLE_TURN_ID = TurnIdSchema.parse("6f1c2b1e-8d2a-4c53-9a55-0d6a3e3c2f10");
export const SAMPLE_CALL_ID = ToolCallIdSchema.parse("toolu_01ABCdef");
export const SAMPLE_TIME = "2026-11-24T19:00:00.000Z";

/** An enabled Anthropic API key labelled "work". */
export const SAMPLE_CREDENTIAL: Credential = CredentialSchema.parse({
  id: "00000000-0000-4000-8000-0000000000c1",
  provider: "anthropic",
  auth_type: "api_key",
  label: "work",
  hint: "…a1b2",
  base_url: null,
  context_window: null,
  is_enabled: true,
  expires_at: null,
  needs_reauth: false,
  last_error: null,
  last_used_at: null,
  created_at: SAMPLE_TIME,
  updated_at: SAMPLE_TIME,
});

export const SAMPLE_SESSION: Session = SessionSchema.parse({
  id: "0b7d5a3e-1c2f-4b8a-9e6d-3f2a1b0c9d8e",
  title: "Refactor the parser",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  credential_id: "a3c1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d",
  system_prompt: null,
  template_id: null,
  agent_id: null,
  agents: [],
  working_directory: "/home/dev/project",
  enabled_tools: null,
  enabled_mcp: ["context7"],
  approval_mode: "ask",
  agent_offline: "fail",
  agent_offline_grace_ms: 600_000,
  status: "active",
  activity: "idle",
  usage: { input_tokens: 10, output_tokens: 20, cache_read_tokens: 0, cache_write_tokens: 0 },
  cost_usd: 0.0012,
  context_window: null,
  compact_at: null,
  context: { used_tokens: 143_000, window_tokens: 200_000, compact_at: 0.85 },
  presence: { total: 2, web: 1, tui: 1, api: 0 },
  forked_from: null,
  created_at: SAMPLE_TIME,
  updated_at: SAMPLE_TIME,
  last_activity_at: SAMPLE_TIME,
  archived_at: null,
});

export const SAMPLE_MESSAGE: Message = MessageSchema.parse({
  id: "c4d5e6f7-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
  session_id: SAMPLE_SESSION.id,
  conversation_id: "d5e6f7a8-1b2c-4d3e-9f4a-5b6c7d8e9f0a",
  parent_id: null,
  turn_id: SAMPLE_TURN_ID,
  role: "assistant",
  content: [
    { type: "thinking", text: "Look first.", signature: "sig" },
    { type: "text", text: "Reading it." },
    { type: "tool_call", call_id: SAMPLE_CALL_ID, name: "read_file", args: { path: "a.ts" } },
    { type: "tool_result", call_id: SAMPLE_CALL_ID, name: "read_file", ok: false, output: "outside", error_code: "PATH_OUTSIDE_ROOTS" },
  ],
  status: "complete",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  usage: { input_tokens: 100, output_tokens: 50, cache_read_tokens: 80, cache_write_tokens: 0 },
  cost_usd: 0.00093,
  latency_ms: 1200,
  time_to_first_token_ms: 300,
  stop_reason: "tool_use",
  error: null,
  created_at: SAMPLE_TIME,
});

/** claude-sonnet-4-5 as the catalog lists it (1-hour cache writes at 2× input). */
export const SAMPLE_MODEL: Model = ModelSchema.parse({
  provider: "anthropic",
  id: "claude-sonnet-4-5",
  name: "Claude Sonnet 4.5 (latest)",
  context_window: 200_000,
  max_output_tokens: 64_000,
  prices: { input: 3, output: 15, cache_read: 0.3, cache_write: 6 },
  billing: "per_token",
  capabilities: { tools: true, reasoning: true, prompt_caching: true, images: true },
  deprecated: false,
  source: "models.dev",
});

export const SAMPLE_QUEUE_ENTRY: QueueEntry = QueueEntrySchema.parse({
  id: "9a3f1c2e-4b5d-4e6f-8a7b-1c2d3e4f5a6b",
  text: "and then the tests",
  request_id: "tui-1",
  queued_at: SAMPLE_TIME,
  by: "tui",
});
