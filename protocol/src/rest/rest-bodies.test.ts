// Proves: every REST body and answer of DESIGN §7 round-trips through JSON, and request bodies
// refuse what the API must refuse, naming the offending field.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { ErrorBodySchema, toFieldIssues } from "../errors.ts";
import { SAMPLE_MESSAGE, SAMPLE_MODEL, SAMPLE_QUEUE_ENTRY, SAMPLE_SESSION, SAMPLE_TIME } from "../testing/samples.ts";
import {
  ApprovalRuleListSchema,
  CreateApprovalRuleBodySchema,
  PendingApprovalListSchema,
  UpdateApprovalRuleBodySchema,
} from "./approvals.ts";
import { AgentSchema, CreateAgentBodySchema, CreatedAgentSchema } from "./agents.ts";
import { CreateCredentialBodySchema, CredentialSchema, UpdateCredentialBodySchema } from "./credentials.ts";
import { HealthSchema } from "./health.ts";
import { ListModelsQuerySchema, ModelListSchema } from "./models.ts";
import { CreateMcpServerBodySchema, McpServerSchema } from "./mcp.ts";
import { ListMessagesQuerySchema, MessagePageSchema, SendMessageAcceptedSchema, SendMessageBodySchema } from "./messages.ts";
import { QueueEditBodySchema, QueueSchema, SendMessageQueuedSchema } from "./queue.ts";
import {
  DeviceLoginStartedSchema,
  FinishOAuthBodySchema,
  OAuthStartedSchema,
  PollDeviceLoginBodySchema,
  StartOAuthBodySchema,
} from "./oauth.ts";
import { CreateSessionBodySchema, ListSessionsQuerySchema, SessionListSchema, UpdateSessionBodySchema } from "./sessions.ts";
import { CreateTemplateBodySchema, TemplateSchema, UpdateTemplateBodySchema } from "./templates.ts";
import { CreateToolBodySchema, ToolSchema, UpdateToolBodySchema } from "./tools.ts";
import { UsageQuerySchema, UsageReportSchema } from "./usage.ts";

const ID = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";

const roundTrips: [string, z.ZodType, unknown][] = [
  ["health", HealthSchema, { ok: true, version: "0.1.0", db: "ok", redis: "error" }],
  [
    "credential create",
    CreateCredentialBodySchema,
    { provider: "openai", auth_type: "api_key", label: "vLLM", api_key: "sk-x", base_url: "http://127.0.0.1:8000/v1" },
  ],
  [
    "credential",
    CredentialSchema,
    {
      id: ID,
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
    },
  ],
  [
    "session create",
    CreateSessionBodySchema,
    { provider: "gemini", model: "gemini-2.5-pro", credential_id: ID, enabled_tools: ["read_file"], approval_mode: "auto" },
  ],
  ["session update", UpdateSessionBodySchema, { title: "Renamed", credential_id: null }],
  ["session bound to two machines", CreateSessionBodySchema, { provider: "openai", model: "m", agents: ["laptop", "ci box"] }],
  ["session unbound", UpdateSessionBodySchema, { agents: [] }],
  ["session list", SessionListSchema, { data: [SAMPLE_SESSION] }],
  ["message send", SendMessageBodySchema, { text: "hello" }],
  ["message send with a request id", SendMessageBodySchema, { text: "hello", request_id: "ci-42" }],
  ["message queued", SendMessageQueuedSchema, { queued: SAMPLE_QUEUE_ENTRY }],
  ["queue", QueueSchema, { data: [SAMPLE_QUEUE_ENTRY], paused: false }],
  ["queue edit", QueueEditBodySchema, { text: "then the docs" }],
  ["message accepted", SendMessageAcceptedSchema, { turn_id: ID, message_id: ID }],
  ["message page", MessagePageSchema, { data: [SAMPLE_MESSAGE], next_before: SAMPLE_MESSAGE.id }],
  [
    "template create",
    CreateTemplateBodySchema,
    { name: "Reviewer", provider: "anthropic", model: "claude-sonnet-4-5", system_prompt: "Review." },
  ],
  ["template update", UpdateTemplateBodySchema, { description: "Reviews diffs" }],
  [
    "template",
    TemplateSchema,
    {
      id: ID,
      name: "Reviewer",
      description: "",
      provider: "anthropic",
      model: "m",
      credential_id: null,
      system_prompt: null,
      enabled_tools: null,
      enabled_mcp: null,
      approval_mode: "ask",
      agent_offline: "wait",
      agent_offline_grace_ms: 600_000,
      fallbacks: [{ provider: "openai", model: "gpt-4.1" }],
      agents: ["laptop"],
      created_at: SAMPLE_TIME,
      updated_at: SAMPLE_TIME,
    },
  ],
  [
    "tool create",
    CreateToolBodySchema,
    { name: "deploy", description: "Deploy", kind: "execute", source: "local", input_schema: { type: "object" } },
  ],
  ["tool update", UpdateToolBodySchema, { is_enabled: false }],
  [
    "tool",
    ToolSchema,
    {
      id: ID,
      name: "read_file",
      description: "Read",
      kind: "read",
      source: "local",
      builtin: true,
      input_schema: { type: "object" },
      is_enabled: true,
      approval: "default",
      created_at: SAMPLE_TIME,
      updated_at: SAMPLE_TIME,
    },
  ],
  [
    "mcp create",
    CreateMcpServerBodySchema,
    { name: "context7", transport: "streamable_http", url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer x" } },
  ],
  [
    "mcp server",
    McpServerSchema,
    {
      id: ID,
      name: "context7",
      transport: "sse",
      url: "https://mcp.example.com/sse",
      header_names: ["Authorization"],
      oauth: "connected",
      is_enabled: true,
      created_at: SAMPLE_TIME,
      updated_at: SAMPLE_TIME,
    },
  ],
  ["agent create", CreateAgentBodySchema, { name: "laptop" }],
  [
    "agent",
    AgentSchema,
    {
      id: ID,
      name: "laptop",
      roots: ["/home/dev"],
      version: "0.1.0",
      connected: false,
      sandbox: { commands: "bwrap", network: false, summary: "commands run under bwrap" },
      last_seen_at: null,
      revoked_at: null,
      created_at: SAMPLE_TIME,
    },
  ],
  [
    "agent created",
    CreatedAgentSchema,
    {
      id: ID,
      name: "laptop",
      roots: [],
      version: null,
      connected: false,
      sandbox: null,
      last_seen_at: null,
      revoked_at: null,
      created_at: SAMPLE_TIME,
      token: "mae_x",
    },
  ],
  [
    "usage report",
    UsageReportSchema,
    {
      from: "2026-11-01",
      to: "2026-11-24",
      group_by: ["day", "model"],
      rows: [
        {
          day: "2026-11-24",
          model: "m",
          messages: 2,
          input_tokens: 10,
          output_tokens: 5,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          cost_usd: 0.01,
        },
      ],
      totals: { messages: 2, input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0.01 },
    },
  ],
  ["oauth start", StartOAuthBodySchema, { label: "ChatGPT", redirect_uri: "http://127.0.0.1:1455/auth/callback" }],
  [
    "oauth started",
    OAuthStartedSchema,
    {
      authorize_url: "https://auth.openai.com/oauth/authorize?x=1",
      state: "s",
      redirect_uri: "http://localhost:1455/auth/callback",
      expires_at: SAMPLE_TIME,
      unofficial: true,
    },
  ],
  ["oauth finish", FinishOAuthBodySchema, { state: "s", code: "c" }],
  [
    "device login started",
    DeviceLoginStartedSchema,
    {
      state: "s",
      user_code: "ABCD-1234",
      verification_uri: "https://auth.openai.com/codex/device",
      interval_seconds: 5,
      expires_at: SAMPLE_TIME,
      unofficial: true,
    },
  ],
  ["device login poll", PollDeviceLoginBodySchema, { state: "s" }],
  ["model list", ModelListSchema, { data: [SAMPLE_MODEL] }],
  ["model list query", ListModelsQuerySchema, { provider: "codex" }],
  [
    "credential with a context window",
    CreateCredentialBodySchema,
    {
      provider: "openai",
      auth_type: "api_key",
      label: "ollama",
      api_key: "k",
      base_url: "http://127.0.0.1:11434/v1",
      context_window: 32_768,
    },
  ],
  ["credential window cleared", UpdateCredentialBodySchema, { context_window: null }],
  ["session with a context window", CreateSessionBodySchema, { provider: "openai", model: "qwen2.5-coder:32b", context_window: 32_768 }],
  ["session window cleared", UpdateSessionBodySchema, { context_window: null }],
  [
    "session fallbacks",
    UpdateSessionBodySchema,
    {
      fallbacks: [
        { provider: "openai", model: "gpt-4.1", credential_id: ID },
        { provider: "anthropic", model: "claude-haiku-4-5" },
      ],
    },
  ],
  ["session fallbacks removed", UpdateSessionBodySchema, { fallbacks: [] }],
  [
    "pending approvals",
    PendingApprovalListSchema,
    {
      data: [
        {
          session_id: SAMPLE_SESSION.id,
          session_title: "Refactor",
          turn_id: ID,
          call_id: "toolu_1",
          tool: "run_shell_command",
          kind: "execute",
          args: { command: "npm test" },
          args_summary: "npm test",
          agent_id: ID,
          agent_name: "laptop",
          asked_at: SAMPLE_TIME,
          expires_at: SAMPLE_TIME,
        },
      ],
    },
  ],
  [
    "approval rule create",
    CreateApprovalRuleBodySchema,
    { effect: "deny", tool: "write_file", match: { param: "path", pattern: "deploy/**" }, session_id: null, note: "prod" },
  ],
  ["approval rule update", UpdateApprovalRuleBodySchema, { match: null }],
  [
    "approval rules",
    ApprovalRuleListSchema,
    {
      data: [
        {
          id: ID,
          effect: "allow",
          tool: "run_shell_command",
          match: { param: "command", pattern: "npm test*" },
          session_id: SAMPLE_SESSION.id,
          note: null,
          created_at: SAMPLE_TIME,
        },
      ],
    },
  ],
  ["error body", ErrorBodySchema, { error: { code: "SESSION_NOT_FOUND", message: "no session with that id" } }],
];

describe("REST bodies round-trip", () => {
  it.each(roundTrips)("%s", (_name, schema, value) => {
    const decoded = schema.safeParse(JSON.parse(JSON.stringify(value)));
    expect(decoded.error).toBeUndefined();
    expect(decoded.data).toEqual(value);
  });
});

function refusedFields(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : toFieldIssues(result.error.issues).map((issue) => issue.field);
}

describe("REST bodies refuse bad input, naming the field", () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ["credential without api_key", CreateCredentialBodySchema, { provider: "openai", auth_type: "api_key", label: "x" }, "api_key"],
    [
      "credential of an unknown provider",
      CreateCredentialBodySchema,
      { provider: "mistral", auth_type: "api_key", label: "x", api_key: "k" },
      "provider",
    ],
    [
      "credential with a context window of zero",
      CreateCredentialBodySchema,
      { provider: "openai", auth_type: "api_key", label: "x", api_key: "k", context_window: 0 },
      "context_window",
    ],
    ["session with a fractional context window", UpdateSessionBodySchema, { context_window: 1.5 }, "context_window"],
    ["models of an unknown provider", ListModelsQuerySchema, { provider: "mistral" }, "provider"],
    [
      "credential with an ftp base_url",
      CreateCredentialBodySchema,
      { provider: "openai", auth_type: "api_key", label: "x", api_key: "k", base_url: "ftp://h" },
      "base_url",
    ],
    [
      "credential with oauth auth_type",
      CreateCredentialBodySchema,
      { provider: "openai", auth_type: "oauth", label: "x", api_key: "k" },
      "auth_type",
    ],
    [
      "credential with an unknown field",
      CreateCredentialBodySchema,
      { provider: "openai", auth_type: "api_key", label: "x", api_key: "k", admin: true },
      "(root)",
    ],
    ["empty credential update", UpdateCredentialBodySchema, {}, "(root)"],
    ["approval rule of an unknown effect", CreateApprovalRuleBodySchema, { effect: "ask", tool: "read_file" }, "effect"],
    [
      "approval rule matching an unknown parameter",
      CreateApprovalRuleBodySchema,
      { effect: "allow", tool: "read_file", match: { param: "url", pattern: "x" } },
      "match.param",
    ],
    [
      "approval rule with a blank pattern",
      CreateApprovalRuleBodySchema,
      { effect: "allow", tool: "run_shell_command", match: { param: "command", pattern: "  " } },
      "match.pattern",
    ],
    ["empty approval rule update", UpdateApprovalRuleBodySchema, {}, "(root)"],
    ["session without provider or template", CreateSessionBodySchema, { model: "m" }, "provider"],
    ["session fallback without a model", UpdateSessionBodySchema, { fallbacks: [{ provider: "openai" }] }, "fallbacks.0.model"],
    ["session without model or template", CreateSessionBodySchema, { provider: "openai" }, "model"],
    ["session naming a machine twice", UpdateSessionBodySchema, { agents: ["laptop", "Laptop"] }, "agents"],
    ["session with agent_id and agents", UpdateSessionBodySchema, { agent_id: ID, agents: ["laptop"] }, "agents"],
    ["session with a blank machine name", CreateSessionBodySchema, { provider: "openai", model: "m", agents: [" "] }, "agents.0"],
    [
      "session with a malformed credential_id",
      CreateSessionBodySchema,
      { provider: "openai", model: "m", credential_id: "42" },
      "credential_id",
    ],
    [
      "session with an unknown approval mode",
      CreateSessionBodySchema,
      { provider: "openai", model: "m", approval_mode: "yolo" },
      "approval_mode",
    ],
    [
      "session with an unknown agent_offline",
      CreateSessionBodySchema,
      { provider: "openai", model: "m", agent_offline: "retry" },
      "agent_offline",
    ],
    ["session waiting less than a second", UpdateSessionBodySchema, { agent_offline_grace_ms: 999 }, "agent_offline_grace_ms"],
    [
      "session with a bad tool name",
      CreateSessionBodySchema,
      { provider: "openai", model: "m", enabled_tools: ["rm -rf"] },
      "enabled_tools.0",
    ],
    ["sessions listed with a zero limit", ListSessionsQuerySchema, { limit: "0" }, "limit"],
    ["message of blank text", SendMessageBodySchema, { text: "  " }, "text"],
    ["message with a request id of spaces", SendMessageBodySchema, { text: "hi", request_id: "a b" }, "request_id"],
    ["queue edit to blank text", QueueEditBodySchema, { text: " " }, "text"],
    ["messages paged before a non-id", ListMessagesQuerySchema, { before: "yesterday" }, "before"],
    ["template without model", CreateTemplateBodySchema, { name: "x", provider: "openai" }, "model"],
    [
      "tool with an unknown kind",
      CreateToolBodySchema,
      { name: "x", description: "d", kind: "delete", source: "local", input_schema: {} },
      "kind",
    ],
    ["mcp server named with a double underscore", CreateMcpServerBodySchema, { name: "a__b", transport: "sse", url: "https://x" }, "name"],
    ["mcp server with an unknown transport", CreateMcpServerBodySchema, { name: "a", transport: "stdio", url: "https://x" }, "transport"],
    ["agent with an empty name", CreateAgentBodySchema, { name: "" }, "name"],
    ["usage grouped by an unknown key", UsageQuerySchema, { group_by: "day,week" }, "group_by.1"],
    ["usage with from after to", UsageQuerySchema, { from: "2026-11-24", to: "2026-11-01" }, "from"],
  ])("%s", (_name, schema, value, field) => {
    expect(refusedFields(schema, value)).toContain(field);
  });

  it("lets a template supply provider and model", () => {
    expect(CreateSessionBodySchema.safeParse({ template_id: ID }).success).toBe(true);
  });

  it("parses group_by and applies query defaults", () => {
    expect(UsageQuerySchema.parse({ group_by: "day, provider" }).group_by).toEqual(["day", "provider"]);
    expect(UsageQuerySchema.parse({}).group_by).toEqual(["day"]);
    expect(ListSessionsQuerySchema.parse({})).toEqual({ status: "active", limit: 100 });
    expect(ListMessagesQuerySchema.parse({ limit: "20" })).toEqual({ limit: 20 });
  });
});
