// Proves, against the real Postgres: what the storage layer writes comes back exactly. Message
// content, raw exchanges, tool schemas and tool-call params keep their bytes and key order (what
// a provider's prompt cache needs after a reload), and NUL, lone surrogates, RTL and zero-width
// marks survive the free-text columns (messages.error and model, tool_executions' text) instead of
// failing the write or turning into U+FFFD.
import { type ContentPart, type SessionId, type ToolCallId } from "@maestro/protocol";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { branchTail, pageBranch } from "../../src/db/queries/branches.ts";
import { currentConversationId, insertMessage } from "../../src/db/queries/messages.ts";
import { listToolExecutions, recordToolExecutions } from "../../src/db/queries/tool-executions.ts";
import { usageReport } from "../../src/db/queries/usage.ts";
import { messages } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";

/** NUL, a lone high and a lone low surrogate, RTL override, zero-width joiner, the escape character. */
const AWKWARD = "nul:\u0000 high:\uD800 low:\uDC00 rtl:\u202Eabc\u202C zwj:\u200D pua:\uE000 pair:\u{1F600}";

/** Keys deliberately out of order, nested, with the awkward text inside. */
const UNSORTED_ARGS = { zeta: 1, alpha: { b: 2, a: 1 }, mid: [AWKWARD, { y: null, x: true }], "10": "numeric keys go first in JS anyway" };

async function newSession(): Promise<SessionId> {
  return (await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" })).id;
}

const today = () => new Date().toISOString().slice(0, 10);

describe("JSON columns keep their bytes", () => {
  it("gives message content and raw exchanges back with the same key order and characters", async () => {
    const sessionId = await newSession();
    const content: ContentPart[] = [
      { type: "text", text: AWKWARD },
      { type: "tool_call", call_id: "call_\u0000\uD800" as ToolCallId, name: "read_file", args: UNSORTED_ARGS },
    ];
    const rawRequest = {
      url: "https://api.example.com/v1/messages",
      body: { stream: true, model: "m", messages: [{ role: "user", content: AWKWARD }] },
    };
    const rawResponse = { status: 200, events: [{ type: "message_stop", z: 1, a: 2 }] };

    const { written, history, page, stored } = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const written = await insertMessage(db, {
        id: crypto.randomUUID(),
        sessionId,
        conversationId,
        role: "assistant",
        content,
        provider: "anthropic",
        model: `model ${AWKWARD}`,
        rawRequest,
        rawResponse,
        status: "error",
        error: `upstream said: ${AWKWARD}`,
        createdAt: new Date(),
      });
      const history = await branchTail(db, written.id, 10);
      const page = await pageBranch(db, sessionId, { limit: 10 });
      const [stored] = await db.select().from(messages).where(eq(messages.id, written.id));
      return { written, history, page, stored };
    });

    for (const message of [written, history[0], page?.data[0]]) {
      expect(message?.content).toEqual(content);
      expect(JSON.stringify(message?.content)).toBe(JSON.stringify(content));
      expect(message?.error).toBe(`upstream said: ${AWKWARD}`);
      expect(message?.model).toBe(`model ${AWKWARD}`);
    }
    expect(JSON.stringify(stored?.rawRequest)).toBe(JSON.stringify(rawRequest));
    expect(JSON.stringify(stored?.rawResponse)).toBe(JSON.stringify(rawResponse));
  });

  it("stores the exact text JSON.stringify wrote", async () => {
    const sessionId = await newSession();
    const content: ContentPart[] = [{ type: "tool_call", call_id: "c1" as ToolCallId, name: "grep", args: UNSORTED_ARGS }];
    const column = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const message = await insertMessage(db, {
        id: crypto.randomUUID(),
        sessionId,
        conversationId,
        role: "assistant",
        content,
        createdAt: new Date(),
      });
      const result = await db.execute<{ content: string }>(sql`select content from messages where id = ${message.id}`);
      return result.rows[0]?.content;
    });
    expect(column).toBe(JSON.stringify(content));
  });

  it("gives a tool's input schema back in the order it was written", async () => {
    const inputSchema = {
      type: "object",
      required: ["zeta", "alpha"],
      properties: { zeta: { type: "string", description: AWKWARD }, alpha: { type: "number" } },
    };
    const name = `order_${crypto.randomUUID().slice(0, 8)}`;
    const created = await client().tools.create({
      name,
      description: `Keeps ${AWKWARD}`,
      kind: "read",
      source: "local",
      input_schema: inputSchema,
    });
    const listed = (await client().tools.list()).data.find((tool) => tool.id === created.id);
    for (const tool of [created, listed]) {
      expect(JSON.stringify(tool?.input_schema)).toBe(JSON.stringify(inputSchema));
      expect(tool?.description).toBe(`Keeps ${AWKWARD}`);
    }
    await client().tools.delete(created.id);
  });

  it("records a tool execution whose params and result hold NUL and lone surrogates", async () => {
    const sessionId = await newSession();
    const turnId = crypto.randomUUID();
    const [read] = await withDb(async (db) => {
      await recordToolExecutions(db, [
        {
          sessionId,
          turnId,
          callId: `call \u0000\uDFFF`,
          toolName: "read_\u0000file",
          source: "local",
          agentId: null,
          params: UNSORTED_ARGS,
          resultSummary: `read 3 lines: ${AWKWARD}`,
          status: "error",
          errorCode: `E\u0000\uD800`,
          durationMs: 12,
        },
      ]);
      return listToolExecutions(db, sessionId, 10);
    });
    expect(read).toMatchObject({
      call_id: `call \u0000\uDFFF`,
      tool: "read_\u0000file",
      params: UNSORTED_ARGS,
      result_summary: `read 3 lines: ${AWKWARD}`,
      error_code: `E\u0000\uD800`,
      status: "error",
    });
    expect(JSON.stringify(read?.params)).toBe(JSON.stringify(UNSORTED_ARGS));

    // Read through the API too: the audit endpoint answers with the same text.
    const response = await api(`/sessions/${sessionId}/tool-executions`);
    expect(response.status).toBe(200);
    const body = await response.json<{ data: { result_summary: string; params: unknown }[] }>();
    expect(body.data[0]?.result_summary).toBe(`read 3 lines: ${AWKWARD}`);
    expect(JSON.stringify(body.data[0]?.params)).toBe(JSON.stringify(UNSORTED_ARGS));
  });

  it("stores a call cut off by a crash as interrupted", async () => {
    const sessionId = await newSession();
    const rows = await withDb(async (db) => {
      await recordToolExecutions(db, [
        {
          sessionId,
          turnId: crypto.randomUUID(),
          callId: "call_crashed",
          toolName: "shell",
          source: "local",
          agentId: null,
          params: { command: "sleep 100" },
          resultSummary: "",
          status: "interrupted",
          errorCode: null,
          durationMs: 0,
        },
      ]);
      return listToolExecutions(db, sessionId, 10);
    });
    expect(rows).toMatchObject([{ call_id: "call_crashed", status: "interrupted" }]);
  });

  it("reports usage under the model name as it was written", async () => {
    const sessionId = await newSession();
    const model = `usage-model ${crypto.randomUUID().slice(0, 8)} \u0000\uD800\uE000`;
    const report = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      await insertMessage(db, {
        id: crypto.randomUUID(),
        sessionId,
        conversationId,
        role: "assistant",
        content: [{ type: "text", text: "ok" }],
        provider: "anthropic",
        model,
        inputTokens: 7,
        outputTokens: 3,
        createdAt: new Date(),
      });
      return usageReport(db, { from: today(), to: today() }, ["model"]);
    });
    expect(report.rows.find((row) => row.model === model)).toMatchObject({ messages: 1, input_tokens: 7, output_tokens: 3 });
  });
});
