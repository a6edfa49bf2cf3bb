/**
 * A typed client of the public API (DESIGN §7) over global fetch. Answers are validated against
 * the same schemas the server validates its input with; failures throw ApiError. Used by the web
 * UI, the TUI, scripts and the worker's own end-to-end tests.
 */
import { z } from "zod";
import { ErrorBodySchema } from "../errors.ts";
import type { CredentialId, McpServerId, MessageId, SessionId, TemplateId, ToolId, AgentId } from "../ids.ts";
import { type CreateAgentBody, type UpdateAgentBody, AgentListSchema, AgentSchema, CreatedAgentSchema } from "../rest/agents.ts";
import { DeletedSchema } from "../rest/common.ts";
import {
  type CreateCredentialBody,
  type UpdateCredentialBody,
  CredentialListSchema,
  CredentialSchema,
  CredentialTestResultSchema,
} from "../rest/credentials.ts";
import { type ImportSessionQuery, SessionExportSchema } from "../rest/export.ts";
import { HealthSchema } from "../rest/health.ts";
import { type ListModelsQuery, ModelListSchema } from "../rest/models.ts";
import {
  type CreateMcpServerBody,
  type UpdateMcpServerBody,
  McpServerListSchema,
  McpServerSchema,
  McpServerToolListSchema,
} from "../rest/mcp.ts";
import { ToolExecutionListSchema } from "../rest/tool-executions.ts";
import {
  BranchSwitchedSchema,
  BranchTurnAcceptedSchema,
  type EditMessageBody,
  type ForkSessionBody,
  type RegenerateBody,
  SessionForkListSchema,
} from "../rest/branches.ts";
import {
  type CompactBody,
  type ListMessagesQuery,
  type SendMessageBody,
  CompactResultSchema,
  MessagePageSchema,
  SendMessageAcceptedSchema,
} from "../rest/messages.ts";
import { type QueueEditBody, QueueEntrySchema, QueueSchema, SendMessageQueuedSchema } from "../rest/queue.ts";
import {
  type CreateSessionBody,
  type ListSessionsQuery,
  type UpdateSessionBody,
  SessionListSchema,
  SessionSchema,
} from "../rest/sessions.ts";
import {
  type ApprovalAnswerBody,
  ApprovalAnsweredSchema,
  ApprovalRuleListSchema,
  ApprovalRuleSchema,
  type CreateApprovalRuleBody,
  PendingApprovalListSchema,
  type UpdateApprovalRuleBody,
} from "../rest/approvals.ts";
import { type CreateTemplateBody, type UpdateTemplateBody, TemplateListSchema, TemplateSchema } from "../rest/templates.ts";
import { type CreateToolBody, type UpdateToolBody, ToolListSchema, ToolSchema } from "../rest/tools.ts";
import { type SearchQuery, SearchResultsSchema } from "../rest/search.ts";
import { UsageReportSchema } from "../rest/usage.ts";
import { WebSessionSchema } from "../rest/auth.ts";
import {
  DeviceLoginPendingSchema,
  DeviceLoginStartedSchema,
  type FinishOAuthBody,
  OAuthStartedSchema,
  type StartDeviceLoginBody,
  type StartOAuthBody,
} from "../rest/oauth.ts";
import { ApiError } from "./api-error.ts";

const SignedOutSchema = z.object({ signed_out: z.literal(true) });

export interface RestClientOptions {
  /** Origin of the Worker, e.g. `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  /** The API token; omit in the browser, where the session cookie authenticates. */
  readonly token?: string;
  readonly fetch?: typeof fetch;
  /** Extra headers on every request (the web UI's CSRF header, for one). */
  readonly headers?: Readonly<Record<string, string>>;
}

type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Query;
}

export type RestClient = ReturnType<typeof createRestClient>;

export function createRestClient(options: RestClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = `${options.baseUrl.replace(/\/+$/, "")}/api/v1`;

  /** The response, when it is a success; an ApiError otherwise. */
  async function fetchOk(method: string, path: string, requestOptions: RequestOptions & { accept?: string }): Promise<Response> {
    const headers: Record<string, string> = { accept: requestOptions.accept ?? "application/json", ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (requestOptions.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetchImpl(base + path + toQueryString(requestOptions.query), {
        method,
        headers,
        body: requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body),
        credentials: "same-origin",
      });
    } catch (cause) {
      throw new ApiError(0, "NETWORK_ERROR", `could not reach ${options.baseUrl}: ${describe(cause)}`);
    }
    if (!response.ok) throw toApiError(response.status, await response.json().catch(() => undefined));
    return response;
  }

  async function request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    requestOptions: RequestOptions = {},
  ): Promise<z.output<S>> {
    const response = await fetchOk(method, path, requestOptions);
    const payload: unknown = await response.json().catch(() => undefined);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new ApiError(response.status, "BAD_RESPONSE", `unexpected answer from ${method} ${path}`);
    }
    return parsed.data;
  }

  const get = <S extends z.ZodType>(path: string, schema: S, query?: Query) => request("GET", path, schema, { query });
  const post = <S extends z.ZodType>(path: string, schema: S, body: unknown, query?: Query) =>
    request("POST", path, schema, { body, query });
  const patch = <S extends z.ZodType>(path: string, schema: S, body: unknown) => request("PATCH", path, schema, { body });
  const remove = (path: string) => request("DELETE", path, DeletedSchema);

  return {
    health: () => get("/health", HealthSchema),
    /** The web UI's cookie session (DESIGN §4). */
    auth: {
      signIn: (token: string) => post("/auth/session", WebSessionSchema, { token }),
      session: () => get("/auth/session", WebSessionSchema),
      signOut: () => request("DELETE", "/auth/session", SignedOutSchema),
    },
    credentials: {
      list: () => get("/credentials", CredentialListSchema),
      create: (body: CreateCredentialBody) => post("/credentials", CredentialSchema, body),
      update: (id: CredentialId, body: UpdateCredentialBody) => patch(`/credentials/${id}`, CredentialSchema, body),
      delete: (id: CredentialId) => remove(`/credentials/${id}`),
      test: (id: CredentialId) => post(`/credentials/${id}/test`, CredentialTestResultSchema, undefined),
    },
    oauth: {
      startCodex: (body: StartOAuthBody = {}) => post("/oauth/codex/start", OAuthStartedSchema, body),
      finishCodex: (body: FinishOAuthBody) => post("/oauth/codex/finish", CredentialSchema, body),
      startCodexDevice: (body: StartDeviceLoginBody = {}) => post("/oauth/codex/device/start", DeviceLoginStartedSchema, body),
      /** `{status: "pending"}` until the user approved the code, then the new credential. */
      pollCodexDevice: (state: string) =>
        post("/oauth/codex/device/poll", z.union([CredentialSchema, DeviceLoginPendingSchema]), { state }),
      startMcp: (body: StartOAuthBody) => post("/oauth/mcp/start", OAuthStartedSchema, body),
      finishMcp: (body: FinishOAuthBody) => post("/oauth/mcp/finish", McpServerSchema, body),
    },
    sessions: {
      list: (query: Partial<ListSessionsQuery> = {}) => get("/sessions", SessionListSchema, query),
      create: (body: CreateSessionBody) => post("/sessions", SessionSchema, body),
      get: (id: SessionId) => get(`/sessions/${id}`, SessionSchema),
      update: (id: SessionId, body: UpdateSessionBody) => patch(`/sessions/${id}`, SessionSchema, body),
      archive: (id: SessionId) => remove(`/sessions/${id}`),
      /** Compacts now (between turns); the compaction stored, or null when there was nothing to compact. */
      compact: (id: SessionId, body: CompactBody = {}) => post(`/sessions/${id}/compact`, CompactResultSchema, body),
      /** A new session with this one's settings and its branch up to `message_id`. */
      fork: (id: SessionId, body: ForkSessionBody) => post(`/sessions/${id}/fork`, SessionSchema, body),
      forks: (id: SessionId) => get(`/sessions/${id}/forks`, SessionForkListSchema),
      /** Continue from the branch holding a message; every client follows. */
      switchBranch: (id: SessionId, messageId: MessageId) =>
        post(`/sessions/${id}/branch`, BranchSwitchedSchema, { message_id: messageId }),
      /** The whole session, losslessly (every branch; `raw`: with raw requests and responses). */
      export: (id: SessionId, query: { raw?: boolean } = {}) =>
        get(`/sessions/${id}/export`, SessionExportSchema, { format: "json", raw: query.raw }),
      /** The branch in use as a readable Markdown transcript. */
      exportMarkdown: async (id: SessionId) =>
        (await fetchOk("GET", `/sessions/${id}/export`, { query: { format: "md" }, accept: "text/markdown" })).text(),
      /** A new session from a JSON export or an OpenAI-style `messages` list; the query overrides its settings. */
      import: (body: unknown, query: ImportSessionQuery = {}) => post("/sessions/import", SessionSchema, body, query),
    },
    messages: {
      list: (sessionId: SessionId, query: Partial<ListMessagesQuery> = {}) =>
        get(`/sessions/${sessionId}/messages`, MessagePageSchema, query),
      /** The started turn, or `{queued}` when another turn is running and the message waits for it. */
      send: (sessionId: SessionId, body: SendMessageBody) =>
        post(`/sessions/${sessionId}/messages`, z.union([SendMessageAcceptedSchema, SendMessageQueuedSchema]), body),
      /** Send new text in place of a past user message: the conversation branches there. */
      edit: (sessionId: SessionId, messageId: MessageId, body: EditMessageBody) =>
        post(`/sessions/${sessionId}/messages/${messageId}/edit`, BranchTurnAcceptedSchema, body),
      /** Answer again from where this answer began (optionally with another provider/model). */
      regenerate: (sessionId: SessionId, messageId: MessageId, body: RegenerateBody = {}) =>
        post(`/sessions/${sessionId}/messages/${messageId}/regenerate`, BranchTurnAcceptedSchema, body),
    },
    queue: {
      list: (sessionId: SessionId) => get(`/sessions/${sessionId}/queue`, QueueSchema),
      edit: (sessionId: SessionId, entryId: string, body: QueueEditBody) =>
        patch(`/sessions/${sessionId}/queue/${encodeURIComponent(entryId)}`, QueueEntrySchema, body),
      cancel: (sessionId: SessionId, entryId: string) =>
        request("DELETE", `/sessions/${sessionId}/queue/${encodeURIComponent(entryId)}`, QueueEntrySchema),
      resume: (sessionId: SessionId) => post(`/sessions/${sessionId}/queue/resume`, QueueSchema, {}),
    },
    toolExecutions: {
      list: (sessionId: SessionId, query: { limit?: number } = {}) =>
        get(`/sessions/${sessionId}/tool-executions`, ToolExecutionListSchema, query),
    },
    approvals: {
      /** Every approval waiting for an answer, across all sessions (the inbox), oldest first. */
      list: () => get("/approvals", PendingApprovalListSchema),
      answer: (sessionId: SessionId, callId: string, body: ApprovalAnswerBody) =>
        post(`/sessions/${sessionId}/approvals/${encodeURIComponent(callId)}`, ApprovalAnsweredSchema, body),
    },
    approvalRules: {
      list: (query: { session_id?: SessionId } = {}) => get("/approval-rules", ApprovalRuleListSchema, query),
      create: (body: CreateApprovalRuleBody) => post("/approval-rules", ApprovalRuleSchema, body),
      update: (id: string, body: UpdateApprovalRuleBody) => patch(`/approval-rules/${id}`, ApprovalRuleSchema, body),
      delete: (id: string) => remove(`/approval-rules/${id}`),
    },
    templates: {
      list: () => get("/templates", TemplateListSchema),
      create: (body: CreateTemplateBody) => post("/templates", TemplateSchema, body),
      get: (id: TemplateId) => get(`/templates/${id}`, TemplateSchema),
      update: (id: TemplateId, body: UpdateTemplateBody) => patch(`/templates/${id}`, TemplateSchema, body),
      delete: (id: TemplateId) => remove(`/templates/${id}`),
    },
    tools: {
      list: () => get("/tools", ToolListSchema),
      create: (body: CreateToolBody) => post("/tools", ToolSchema, body),
      update: (id: ToolId, body: UpdateToolBody) => patch(`/tools/${id}`, ToolSchema, body),
      delete: (id: ToolId) => remove(`/tools/${id}`),
    },
    mcpServers: {
      list: () => get("/mcp-servers", McpServerListSchema),
      create: (body: CreateMcpServerBody) => post("/mcp-servers", McpServerSchema, body),
      update: (id: McpServerId, body: UpdateMcpServerBody) => patch(`/mcp-servers/${id}`, McpServerSchema, body),
      delete: (id: McpServerId) => remove(`/mcp-servers/${id}`),
      tools: (id: McpServerId) => get(`/mcp-servers/${id}/tools`, McpServerToolListSchema),
    },
    agents: {
      list: () => get("/agents", AgentListSchema),
      create: (body: CreateAgentBody) => post("/agents", CreatedAgentSchema, body),
      update: (id: AgentId, body: UpdateAgentBody) => patch(`/agents/${id}`, AgentSchema, body),
      delete: (id: AgentId) => remove(`/agents/${id}`),
    },
    /** Full-text search over every session's messages, best match first. */
    search: (query: Partial<SearchQuery> & { q: string }) => get("/search", SearchResultsSchema, query),
    usage: (query: { from?: string; to?: string; group_by?: string } = {}) => get("/usage", UsageReportSchema, query),
    models: {
      /** The model catalog, for one provider or all. */
      list: (query: ListModelsQuery = {}) => get("/models", ModelListSchema, query),
    },
  };
}

function toQueryString(query: Query | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = search.toString();
  return text.length > 0 ? `?${text}` : "";
}

function toApiError(status: number, payload: unknown): ApiError {
  const body = ErrorBodySchema.safeParse(payload);
  if (!body.success) return new ApiError(status, "BAD_RESPONSE", `request failed with status ${status}`);
  return new ApiError(status, body.data.error.code, body.data.error.message, body.data.error.fields ?? []);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : "unknown error";
}
