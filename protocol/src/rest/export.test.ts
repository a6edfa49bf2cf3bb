// Proves: a session export round-trips through JSON; the format is strict (another format or
// version, an unknown key, a bad message are refused with their path) and the export query
// defaults to lossless JSON without the raw requests; OpenAI-style lists keep what import reads.
import { describe, expect, it } from "vitest";
import { toFieldIssues } from "../errors.ts";
import { SAMPLE_MESSAGE, SAMPLE_TIME } from "../testing/samples.ts";
import { ExportSessionQuerySchema, OpenAIChatImportSchema, SessionExportSchema } from "./export.ts";

const { session_id: _session, conversation_id: _conversation, ...message } = SAMPLE_MESSAGE;
const FILE = {
  format: "maestro.session",
  version: 1,
  exported_at: SAMPLE_TIME,
  session: {
    title: "Parser",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    system_prompt: null,
    enabled_tools: ["read_file"],
    enabled_mcp: null,
    approval_mode: "ask",
    agent_offline: "wait",
    agent_offline_grace_ms: 120_000,
    compact_at: 0.8,
    context_window: null,
    working_directory: null,
    credential: { id: "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716", label: "work" },
    created_at: SAMPLE_TIME,
  },
  leaf_id: message.id,
  messages: [{ ...message, raw_request: { model: "claude-sonnet-4-5" } }],
  usage: { input_tokens: 1, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0 },
  cost_usd: 0.01,
};

const fieldsOf = (value: unknown) => {
  const parsed = SessionExportSchema.safeParse(value);
  return parsed.success ? [] : toFieldIssues(parsed.error.issues).map((issue) => issue.field);
};

describe("SessionExportSchema", () => {
  it("round-trips through JSON", () => {
    expect(SessionExportSchema.parse(JSON.parse(JSON.stringify(FILE)))).toEqual(FILE);
  });

  it("refuses another format or version, unknown keys and bad messages, naming them", () => {
    expect(fieldsOf({ ...FILE, format: "other" })).toEqual(["format"]);
    expect(fieldsOf({ ...FILE, version: 2 })).toEqual(["version"]);
    expect(fieldsOf({ ...FILE, extra: true })).toEqual(["(root)"]);
    expect(fieldsOf({ ...FILE, messages: [{ ...message, role: "wizard" }] })).toEqual(["messages.0.role"]);
    expect(fieldsOf({ ...FILE, messages: [{ ...message, parent_id: "not-an-id" }] })).toEqual(["messages.0.parent_id"]);
    expect(
      fieldsOf({ ...FILE, session: { ...FILE.session, credential: { id: FILE.session.credential.id, label: "x", secret: "k" } } }),
    ).toEqual(["session.credential"]);
  });
});

describe("export and import queries", () => {
  it("defaults to JSON without raw requests", () => {
    expect(ExportSessionQuerySchema.parse({})).toEqual({ format: "json", raw: false });
    expect(ExportSessionQuerySchema.parse({ format: "md", raw: "true" })).toEqual({ format: "md", raw: true });
    expect(ExportSessionQuerySchema.safeParse({ format: "pdf" }).success).toBe(false);
  });

  it("reads an OpenAI request body, ignoring what import does not use", () => {
    const body = { model: "gpt-4.1", temperature: 0, messages: [{ role: "user", content: "hi", name: "me" }] };
    expect(OpenAIChatImportSchema.parse(body)).toMatchObject({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] });
    expect(OpenAIChatImportSchema.safeParse({ messages: [] }).success).toBe(false);
  });
});
