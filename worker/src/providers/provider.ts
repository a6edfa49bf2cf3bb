/**
 * The seam between The Maestro and a model provider (STYLE §2.2). A provider turns one request
 * into StreamEvents; it knows nothing of sockets, routes or the database. Its context is
 * injected (credential, fetch, abort signal), so tests hand it a simulator.
 */
import { type ContentPart, type ProviderId, type StreamEvent, type ToolCallId, ToolCallIdSchema } from "@maestro/protocol";

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

/** The conversation as The Maestro stores it: user text, assistant parts, tool results. */
export interface ConversationMessage {
  readonly role: "user" | "assistant" | "tool";
  readonly content: readonly ContentPart[];
  /** The end of a prefix that stays the same for many requests (a compaction's summary): cache it. */
  readonly stable?: boolean;
  /**
   * Who wrote an answer, when known (null: merged from answers of several). What another
   * provider — or another account of it — produced loses its thinking and signatures before it is
   * sent (session/provider-history.ts).
   */
  readonly producedBy?: Producer | null;
}

/** A provider and the credential it answered on (null: not recorded, as on answers stored before it was). */
export interface Producer {
  readonly provider: ProviderId;
  readonly credentialId: string | null;
}

export interface ProviderRequest {
  readonly model: string;
  readonly system: string | null;
  readonly messages: readonly ConversationMessage[];
  readonly tools: readonly ToolDefinition[];
}

export interface ProviderCredential {
  readonly apiKey: string;
  /** Overrides the provider's endpoint (OpenAI-compatible servers, simulators). */
  readonly baseUrl: string | null;
  /** Codex: the ChatGPT account the token belongs to. */
  readonly accountId?: string | null;
}

/**
 * What went over the wire, filled in by the provider for the message's record. Secrets masked:
 * the request's body as it is serialized (a `MaskedLater`, see secret-mask.ts), the rest now.
 */
export interface ProviderExchange {
  request?: { url: string; headers: [string, string][]; body: unknown };
  response?: { status: number; events: unknown[] };
}

/** How long a provider may take to answer, and to stay quiet mid-stream, before it is given up on. */
export interface StreamTimeouts {
  readonly connectMs: number;
  readonly idleMs: number;
}

export interface ProviderContext {
  readonly credential: ProviderCredential;
  readonly signal: AbortSignal;
  readonly fetch: typeof fetch;
  /** Stable for a session: prompt-cache keys and Codex's session_id. */
  readonly sessionKey: string;
  readonly exchange: ProviderExchange;
  /** Defaults to the Worker's defaults (60 s to answer, 300 s of silence). */
  readonly timeouts?: StreamTimeouts;
}

export interface Provider {
  readonly id: ProviderId;
  /** A small, cheap model that `POST /credentials/:id/test` asks for a word, to prove a key works. */
  readonly probeModel: string;
  stream(request: ProviderRequest, context: ProviderContext): AsyncIterable<StreamEvent>;
}

/**
 * A provider's id for a tool call, as the protocol's branded type. Ids are opaque; one outside
 * the protocol's bounds (empty, or absurdly long) is replaced by a stable local one.
 */
export function toCallId(id: string | null | undefined, fallback: string): ToolCallId {
  const parsed = ToolCallIdSchema.safeParse(id);
  return parsed.success ? parsed.data : ToolCallIdSchema.parse(fallback);
}
