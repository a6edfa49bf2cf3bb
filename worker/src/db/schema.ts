/**
 * The Postgres schema (DESIGN §3), the source of truth for everything durable. drizzle-kit
 * generates migrations/ from this file; columns are camelCase here and snake_case in SQL
 * (`casing: "snake_case"` in both the client and drizzle.config.ts).
 *
 * Text that people, models, providers or tools wrote is `safeText()` (NUL and lone surrogates
 * survive: safe-text.ts); plain `text()` is left for values this code or a schema fixes (enums,
 * vault envelopes, hashes, slug-checked names, stop reasons). JSON that must come back byte for
 * byte is `jsonText()` (json-text.ts); `jsonb` only holds validated lists whose order is ours.
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { ContentPart, Fallback } from "@maestro/protocol";
import { jsonText } from "./json-text.ts";
import { safeText } from "./safe-text.ts";
import { tsvector } from "./search-vector.ts";

const PROVIDERS = ["anthropic", "openai", "openai_responses", "codex", "gemini"] as const;
const APPROVAL_MODES = ["auto", "ask", "always"] as const;
/** protocol's AgentOfflineModeSchema and DEFAULT_AGENT_OFFLINE_GRACE_MS (10 minutes). */
const AGENT_OFFLINE_MODES = ["fail", "wait"] as const;
const DEFAULT_AGENT_OFFLINE_GRACE_MS = 600_000;
const TOOL_KINDS = ["read", "edit", "execute", "fetch"] as const;

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** API keys and OAuth tokens. `secret` is a vault envelope (AES-256-GCM, key-versioned). */
export const savedAuthentications = pgTable(
  "saved_authentications",
  {
    id: uuid().primaryKey(),
    provider: text({ enum: PROVIDERS }).notNull(),
    authType: text({ enum: ["api_key", "oauth"] }).notNull(),
    label: safeText().notNull(),
    secret: text().notNull(),
    hint: safeText().notNull(),
    baseUrl: safeText(),
    /** Overrides the model catalog's context window for sessions using this credential (tokens). */
    contextWindow: integer(),
    isEnabled: boolean().notNull().default(true),
    expiresAt: timestamp({ withTimezone: true }),
    needsReauth: boolean().notNull().default(false),
    lastError: safeText(),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("saved_authentications_provider_auth_type_idx")
      .on(table.provider, table.authType)
      .where(sql`${table.isEnabled} = true`),
  ],
);

export const agentTemplates = pgTable("agent_templates", {
  id: uuid().primaryKey().defaultRandom(),
  name: safeText().notNull(),
  description: safeText().notNull().default(""),
  provider: text({ enum: PROVIDERS }).notNull(),
  model: safeText().notNull(),
  credentialId: uuid().references(() => savedAuthentications.id, { onDelete: "set null" }),
  systemPrompt: safeText(),
  enabledTools: jsonb().$type<string[]>(),
  enabledMcp: jsonb().$type<string[]>(),
  approvalMode: text({ enum: APPROVAL_MODES }).notNull().default("ask"),
  /** Copied into the sessions made from it (see sessions.agentOffline). */
  agentOffline: text({ enum: AGENT_OFFLINE_MODES }).notNull().default("fail"),
  agentOfflineGraceMs: integer().notNull().default(DEFAULT_AGENT_OFFLINE_GRACE_MS),
  /** Copied into the sessions made from it (see sessions.fallbacks). */
  fallbacks: jsonb().$type<Fallback[]>().notNull().default([]),
  /** Bound by the sessions made from it (see sessions.agentIds). */
  agentIds: jsonb().$type<string[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** `maestro-agent` daemons. Only the SHA-256 of an agent token is kept. */
export const localAgents = pgTable(
  "local_agents",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: safeText().notNull(),
    tokenHash: text().notNull(),
    roots: jsonb().$type<string[]>().notNull().default([]),
    version: safeText(),
    lastSeenAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("local_agents_token_hash_idx").on(table.tokenHash)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    title: safeText().notNull(),
    provider: text({ enum: PROVIDERS }).notNull(),
    model: safeText().notNull(),
    credentialId: uuid().references(() => savedAuthentications.id, { onDelete: "set null" }),
    systemPrompt: safeText(),
    templateId: uuid().references(() => agentTemplates.id, { onDelete: "set null" }),
    /**
     * The local agents its tools run on (local_agents ids, in the order the user named them);
     * empty: the most recently seen connected agent. Ids, not names, so renaming keeps the binding.
     */
    agentIds: jsonb().$type<string[]>().notNull().default([]),
    workingDirectory: safeText(),
    enabledTools: jsonb().$type<string[]>(),
    enabledMcp: jsonb().$type<string[]>(),
    approvalMode: text({ enum: APPROVAL_MODES }).notNull().default("ask"),
    /** A tool call while the session's agent is offline: fail at once, or wait up to the grace period (agents/pending-calls.ts). */
    agentOffline: text({ enum: AGENT_OFFLINE_MODES }).notNull().default("fail"),
    agentOfflineGraceMs: integer().notNull().default(DEFAULT_AGENT_OFFLINE_GRACE_MS),
    /** Overrides the context window of the credential and the model catalog (tokens). */
    contextWindow: integer(),
    /** The share of the model's window at which older turns are compacted; null: the global setting. */
    compactAt: real(),
    /** Where a turn goes on when the model fails for good, in order (session/failover.ts). */
    fallbacks: jsonb().$type<Fallback[]>().notNull().default([]),
    /** How full the context is, in tokens (session/context-accounting.ts), kept current by the session. */
    contextTokens: integer().notNull().default(0),
    status: text({ enum: ["active", "archived"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastActivityAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
    /** The session this one was forked from, and the message the fork copied the history up to. */
    forkedFromSessionId: uuid().references((): AnyPgColumn => sessions.id, { onDelete: "set null" }),
    forkedFromMessageId: uuid(),
  },
  (table) => [index("sessions_status_last_activity_idx").on(table.status, table.lastActivityAt.desc())],
);

/**
 * A session's threads of messages; a session starts with one and may start fresh ones. Its
 * messages form a tree (messages.parent_id): an edited message or a regenerated answer starts a
 * branch beside the old one. `leafMessageId` is the newest message of the branch in use — the
 * model sees the path from the root to it. Null while the conversation is empty.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    leafMessageId: uuid(),
    createdAt: createdAt(),
  },
  (table) => [index("conversations_session_id_idx").on(table.sessionId)],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    /** The message this one follows in its branch; null for a conversation's first message (or an edit of it). */
    parentId: uuid().references((): AnyPgColumn => messages.id, { onDelete: "cascade" }),
    turnId: uuid(),
    role: text({ enum: ["user", "assistant", "tool", "compaction"] }).notNull(),
    content: jsonText<ContentPart[]>().notNull(),
    status: text({ enum: ["complete", "partial", "error"] })
      .notNull()
      .default("complete"),
    provider: text({ enum: PROVIDERS }),
    model: safeText(),
    /** The credential that produced an answer (a fallback's after a failover). */
    credentialId: uuid().references(() => savedAuthentications.id, { onDelete: "set null" }),
    /** What was sent upstream and what came back, secrets removed. */
    rawRequest: jsonText<unknown>(),
    rawResponse: jsonText<unknown>(),
    inputTokens: integer(),
    outputTokens: integer(),
    cacheReadTokens: integer(),
    cacheWriteTokens: integer(),
    totalCostUsd: numeric({ precision: 14, scale: 8 }),
    latencyMs: integer(),
    timeToFirstTokenMs: integer(),
    stopReason: text(),
    error: safeText(),
    /**
     * A copy of another session's message (a fork, an import): its tokens and cost were spent
     * there, so usage totals leave it out; it still shows them, and a model sees it like any other.
     */
    isCopy: boolean().notNull().default(false),
    createdAt: createdAt(),
    /**
     * The words of the message for full-text search (queries/search.ts), computed by Postgres from
     * `content` (search-vector.ts). Never read into JS: queries that load messages leave it out.
     */
    search: tsvector()
      .notNull()
      .generatedAlwaysAs(sql`maestro_message_search_vector(content)`),
  },
  (table) => [
    index("messages_search_idx").using("gin", table.search),
    index("messages_session_id_created_at_idx").on(table.sessionId, table.createdAt.desc()),
    // A turn's history starts at the newest summary: finding it must not read the whole session.
    index("messages_compactions_idx")
      .on(table.conversationId, table.createdAt.desc())
      .where(sql`${table.role} = 'compaction'`),
    index("messages_conversation_id_created_at_idx").on(table.conversationId, table.createdAt),
    index("messages_created_at_total_cost_usd_idx").on(table.createdAt, table.totalCostUsd),
    // A message's alternatives (its parent's other children), and a branch's newest leaf.
    index("messages_parent_id_idx").on(table.parentId),
  ],
);

export const tools = pgTable("tools", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  description: safeText().notNull(),
  kind: text({ enum: TOOL_KINDS }).notNull(),
  source: text({ enum: ["local", "worker", "mcp"] }).notNull(),
  builtin: boolean().notNull().default(false),
  inputSchema: jsonText<Record<string, unknown>>().notNull(),
  isEnabled: boolean().notNull().default(true),
  approval: text({ enum: ["default", "ask", "auto"] })
    .notNull()
    .default("default"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Remote MCP servers. `headersSecret` is a vault envelope of the headers; only names are shown.
 * `oauthSecret` is a vault envelope of the server's OAuth state (our client registration and the
 * tokens) for servers that require the MCP authorization flow.
 */
export const mcpServers = pgTable("mcp_servers", {
  id: uuid().primaryKey(),
  name: text().notNull().unique(),
  transport: text({ enum: ["streamable_http", "sse"] }).notNull(),
  url: safeText().notNull(),
  headersSecret: text(),
  headerNames: jsonb().$type<string[]>().notNull().default([]),
  oauthSecret: text(),
  oauthNeedsLogin: boolean().notNull().default(false),
  isEnabled: boolean().notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The audit trail of every tool call: what was asked, what came of it, how long it took. */
export const toolExecutions = pgTable(
  "tool_executions",
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid().references(() => sessions.id, { onDelete: "set null" }),
    turnId: uuid(),
    callId: safeText().notNull(),
    toolName: safeText().notNull(),
    source: text({ enum: ["local", "worker", "mcp"] }).notNull(),
    agentId: uuid().references(() => localAgents.id, { onDelete: "set null" }),
    params: jsonText<unknown>().notNull(),
    resultSummary: safeText(),
    /** `interrupted`: the call was cut off by a crash or restart and never answered. */
    status: text({ enum: ["ok", "error", "denied", "timeout", "cancelled", "interrupted"] }).notNull(),
    errorCode: safeText(),
    durationMs: integer().notNull(),
    /** The approval rule that allowed or denied the call without asking; kept as history when the rule goes. */
    decidedByRuleId: uuid(),
    /** What decided whether it ran (protocol ToolDecisionSourceSchema); null when it never reached that step. */
    decidedBy: text({ enum: ["auto", "session", "rule", "web", "tui", "api", "timeout"] }),
    createdAt: createdAt(),
  },
  (table) => [index("tool_executions_session_id_created_at_idx").on(table.sessionId, table.createdAt.desc())],
);

/**
 * Standing answers to approval questions (issue 14 §7): allow or deny a tool, optionally only where
 * one argument matches a pattern, in one session or everywhere. Read once per turn by the session.
 */
export const approvalRules = pgTable(
  "approval_rules",
  {
    id: uuid().primaryKey().defaultRandom(),
    effect: text({ enum: ["allow", "deny"] }).notNull(),
    toolName: safeText().notNull(),
    matchParam: text({ enum: ["command", "path"] }),
    matchPattern: safeText(),
    /** null: everywhere. A session's rules go with it. */
    sessionId: uuid().references(() => sessions.id, { onDelete: "cascade" }),
    note: safeText(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("approval_rules_session_id_idx").on(table.sessionId)],
);
