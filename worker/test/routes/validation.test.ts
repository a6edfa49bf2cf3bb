// Proves: bad input is refused with 400 naming the offending field, unknown ids with 404, and
// a refused request writes nothing at all (row counts of every table are unchanged).
import { beforeAll, describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { rowCounts } from "../helpers/db.ts";

const UNKNOWN = "11111111-2222-4333-8444-555555555555";
let sessionId = "";

beforeAll(async () => {
  sessionId = (await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5", title: "validation" })).id;
});

interface Refusal {
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
}

const refusals: Refusal[] = [
  {
    name: "credential without api_key",
    method: "POST",
    path: () => "/credentials",
    body: JSON.stringify({ provider: "anthropic", auth_type: "api_key", label: "x" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "api_key",
  },
  {
    name: "credential of an unknown provider",
    method: "POST",
    path: () => "/credentials",
    body: JSON.stringify({ provider: "mistral", auth_type: "api_key", label: "x", api_key: "k" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "provider",
  },
  {
    name: "credential with a non-http base_url",
    method: "POST",
    path: () => "/credentials",
    body: JSON.stringify({ provider: "openai", auth_type: "api_key", label: "x", api_key: "k", base_url: "file:///etc/passwd" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "base_url",
  },
  { name: "body that is not JSON", method: "POST", path: () => "/credentials", body: "{not json", status: 400, code: "INVALID_REQUEST" },
  {
    name: "body without a JSON content type",
    method: "POST",
    path: () => "/templates",
    body: JSON.stringify({ name: "x" }),
    headers: { "content-type": "text/plain" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "session without provider",
    method: "POST",
    path: () => "/sessions",
    body: JSON.stringify({ model: "m" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "provider",
  },
  {
    name: "session with an unknown field",
    method: "POST",
    path: () => "/sessions",
    body: JSON.stringify({ provider: "openai", model: "m", owner: "root" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "(root)",
  },
  {
    name: "session with an unknown credential",
    method: "POST",
    path: () => "/sessions",
    body: JSON.stringify({ provider: "openai", model: "m", credential_id: UNKNOWN }),
    status: 404,
    code: "CREDENTIAL_NOT_FOUND",
    field: "credential_id",
  },
  {
    name: "session from an unknown template",
    method: "POST",
    path: () => "/sessions",
    body: JSON.stringify({ template_id: UNKNOWN }),
    status: 404,
    code: "TEMPLATE_NOT_FOUND",
    field: "template_id",
  },
  {
    name: "session with an unknown agent",
    method: "POST",
    path: () => "/sessions",
    body: JSON.stringify({ provider: "openai", model: "m", agent_id: UNKNOWN }),
    status: 404,
    code: "AGENT_NOT_FOUND",
    field: "agent_id",
  },
  { name: "session id that is not a uuid", method: "GET", path: () => "/sessions/42", status: 400, code: "INVALID_REQUEST", field: "id" },
  { name: "unknown session", method: "GET", path: () => `/sessions/${UNKNOWN}`, status: 404, code: "SESSION_NOT_FOUND" },
  {
    name: "update of an unknown session",
    method: "PATCH",
    path: () => `/sessions/${UNKNOWN}`,
    body: JSON.stringify({ title: "x" }),
    status: 404,
    code: "SESSION_NOT_FOUND",
  },
  {
    name: "empty session update",
    method: "PATCH",
    path: () => `/sessions/${sessionId}`,
    body: "{}",
    status: 400,
    code: "INVALID_REQUEST",
    field: "(root)",
  },
  {
    name: "session update to an unknown approval mode",
    method: "PATCH",
    path: () => `/sessions/${sessionId}`,
    body: JSON.stringify({ approval_mode: "yolo" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "approval_mode",
  },
  {
    name: "session update to an unknown credential",
    method: "PATCH",
    path: () => `/sessions/${sessionId}`,
    body: JSON.stringify({ credential_id: UNKNOWN }),
    status: 404,
    code: "CREDENTIAL_NOT_FOUND",
    field: "credential_id",
  },
  { name: "archive of an unknown session", method: "DELETE", path: () => `/sessions/${UNKNOWN}`, status: 404, code: "SESSION_NOT_FOUND" },
  {
    name: "sessions listed with a bad limit",
    method: "GET",
    path: () => "/sessions?limit=9999",
    status: 400,
    code: "INVALID_REQUEST",
    field: "limit",
  },
  {
    name: "message of blank text",
    method: "POST",
    path: () => `/sessions/${sessionId}/messages`,
    body: JSON.stringify({ text: "   " }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "text",
  },
  {
    name: "message to an unknown session",
    method: "POST",
    path: () => `/sessions/${UNKNOWN}/messages`,
    body: JSON.stringify({ text: "hi" }),
    status: 404,
    code: "SESSION_NOT_FOUND",
  },
  {
    name: "messages paged before an unknown message",
    method: "GET",
    path: () => `/sessions/${sessionId}/messages?before=${UNKNOWN}`,
    status: 404,
    code: "MESSAGE_NOT_FOUND",
    field: "before",
  },
  { name: "socket without an upgrade", method: "GET", path: () => `/sessions/${sessionId}/socket`, status: 426, code: "UPGRADE_REQUIRED" },
  {
    name: "socket of an unknown session",
    method: "GET",
    path: () => `/sessions/${UNKNOWN}/socket`,
    headers: { upgrade: "websocket" },
    status: 404,
    code: "SESSION_NOT_FOUND",
  },
  {
    name: "template of an unknown credential",
    method: "POST",
    path: () => "/templates",
    body: JSON.stringify({ name: "t", provider: "openai", model: "m", credential_id: UNKNOWN }),
    status: 404,
    code: "CREDENTIAL_NOT_FOUND",
    field: "credential_id",
  },
  { name: "unknown template", method: "GET", path: () => `/templates/${UNKNOWN}`, status: 404, code: "TEMPLATE_NOT_FOUND" },
  {
    name: "tool with an unknown kind",
    method: "POST",
    path: () => "/tools",
    body: JSON.stringify({ name: "t", description: "d", kind: "delete", source: "local", input_schema: {} }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "kind",
  },
  {
    name: "update of an unknown tool",
    method: "PATCH",
    path: () => `/tools/${UNKNOWN}`,
    body: JSON.stringify({ is_enabled: false }),
    status: 404,
    code: "TOOL_NOT_FOUND",
  },
  {
    name: "mcp server with a bad name",
    method: "POST",
    path: () => "/mcp-servers",
    body: JSON.stringify({ name: "Bad Name", transport: "sse", url: "https://x.example" }),
    status: 400,
    code: "INVALID_REQUEST",
    field: "name",
  },
  {
    name: "delete of an unknown mcp server",
    method: "DELETE",
    path: () => `/mcp-servers/${UNKNOWN}`,
    status: 404,
    code: "MCP_SERVER_NOT_FOUND",
  },
  { name: "agent without a name", method: "POST", path: () => "/agents", body: "{}", status: 400, code: "INVALID_REQUEST", field: "name" },
  { name: "revoke of an unknown agent", method: "DELETE", path: () => `/agents/${UNKNOWN}`, status: 404, code: "AGENT_NOT_FOUND" },
  {
    name: "usage grouped by week",
    method: "GET",
    path: () => "/usage?group_by=week",
    status: 400,
    code: "INVALID_REQUEST",
    field: "group_by.0",
  },
  {
    name: "a body over 1 MiB",
    method: "POST",
    path: () => "/credentials",
    body: JSON.stringify({ provider: "openai", auth_type: "api_key", label: "x", api_key: "k".repeat(1_100_000) }),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
];

describe("bad input", () => {
  it.each(refusals.map((refusal) => [refusal.name, refusal] as const))("%s", async (_name, refusal) => {
    const before = await rowCounts();
    const response = await api(refusal.path(), { method: refusal.method, body: refusal.body, headers: refusal.headers });
    expect(response.status).toBe(refusal.status);
    const body = await response.json<{ error: { code: string; message: string; fields?: { field: string }[] } }>();
    expect(body.error.code).toBe(refusal.code);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (refusal.field !== undefined) {
      expect(body.error.fields?.map((issue) => issue.field)).toContain(refusal.field);
      if (refusal.status === 400) expect(body.error.message).toContain(refusal.field);
    }
    expect(await rowCounts()).toEqual(before);
  });
});
