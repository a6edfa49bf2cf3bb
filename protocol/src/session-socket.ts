/**
 * The session socket (`GET /api/v1/sessions/:id/socket`), both directions.
 *
 * A client opens with `hello`. Without `since` (or when it is too far behind) it gets a
 * `snapshot`; with `since: n` it gets exactly the frames numbered after n, then everything live.
 * Every frame the server broadcasts carries `seq`, one counter per session. Replies meant for one
 * socket only (`snapshot`, `pong`, an `error` about that socket's frame) are not numbered.
 *
 * Frames the server accepts are strict objects; frames clients receive are loose, so a newer
 * server may add fields without breaking an older client.
 */
import { z } from "zod";
import { ClientKindSchema, PresenceSchema } from "./common.ts";
import { ErrorCodeSchema, FieldIssueSchema } from "./errors.ts";
import { MessageIdSchema, QueueEntryIdSchema, RequestIdSchema, TurnIdSchema, ToolCallIdSchema } from "./ids.ts";
import { regenerateFrame } from "./rest/branches.ts";
import { CredentialSchema } from "./rest/credentials.ts";
import { MessageSchema } from "./rest/messages.ts";
import { SessionSchema, UpdateSessionBodySchema } from "./rest/sessions.ts";
import { MAX_MESSAGE_TEXT } from "./rest/messages.ts";
import { QueueEntrySchema } from "./rest/queue.ts";
import { StreamEventSchema } from "./stream-event.ts";
import { ToolKindSchema, ToolNameSchema } from "./common.ts";
import { PROTOCOL_VERSION } from "./version.ts";

/** Frame numbers start at 1; `since: 0` means "I have seen nothing yet". */
export const SeqSchema = z.number().int().nonnegative();

// ── client → server ────────────────────────────────────────────────────────────────────────

export const HelloFrameSchema = z.strictObject({
  type: z.literal("hello"),
  protocol_version: z.literal(PROTOCOL_VERSION, { error: `protocol_version must be ${PROTOCOL_VERSION}` }),
  client: ClientKindSchema,
  /** The last `seq` this client saw, when it resumes. */
  since: SeqSchema.optional(),
});

/** Starts a turn, or joins the queue when one is running. */
export const SendFrameSchema = z.strictObject({
  type: z.literal("send"),
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
  /** Echoed on the user's `message`, the queue entry and the `turn_end`: how a client finds its own turn. */
  request_id: RequestIdSchema.optional(),
});

export const CancelFrameSchema = z.strictObject({
  type: z.literal("cancel"),
  /** The turn to stop; the current one when absent. */
  turn_id: TurnIdSchema.optional(),
});

export const ApprovalDecisionSchema = z.enum(["approve", "approve_session", "deny"]);
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

export const ApproveFrameSchema = z.strictObject({
  type: z.literal("approve"),
  call_id: ToolCallIdSchema,
  decision: ApprovalDecisionSchema,
  /** Told to the model on a denial. */
  reason: z.string().max(2000).optional(),
  /** Echoed on the `approval_result` this answer causes. */
  request_id: RequestIdSchema.optional(),
});

/** Change the text of a queued message that has not started yet. */
export const QueueEditFrameSchema = z.strictObject({
  type: z.literal("queue_edit"),
  id: QueueEntryIdSchema,
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
});

/** Drop a queued message that has not started yet. */
export const QueueCancelFrameSchema = z.strictObject({ type: z.literal("queue_cancel"), id: QueueEntryIdSchema });

/** Start the queue again after it paused (the turn before was cancelled or failed). */
export const QueueResumeFrameSchema = z.strictObject({ type: z.literal("queue_resume") });

export const ConfigureFrameSchema = z.strictObject({
  type: z.literal("configure"),
  changes: UpdateSessionBodySchema,
});

/** Ask the model again for the conversation as it stands (after a failed or partial answer). */
export const RetryFrameSchema = z.strictObject({ type: z.literal("retry") });

/** Compact now, between turns: prune old tool output and summarise older turns, keeping what `instructions` names. */
export const CompactFrameSchema = z.strictObject({
  type: z.literal("compact"),
  instructions: z.string().trim().min(1).max(4000).optional(),
});

/** Send `text` in place of a past user message: the conversation branches there (the old branch is kept). */
export const EditFrameSchema = z.strictObject({
  type: z.literal("edit"),
  message_id: MessageIdSchema,
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
});

/** Answer again from where this answer began, optionally with another provider/model for this answer. */
export const RegenerateFrameSchema = regenerateFrame({ type: z.literal("regenerate"), message_id: MessageIdSchema });

/** Continue from the branch holding this message (at its newest message). */
export const SwitchBranchFrameSchema = z.strictObject({ type: z.literal("switch_branch"), message_id: MessageIdSchema });

/** Keep-alive. The server answers `pong` without waking a hibernated session. */
export const PingFrameSchema = z.strictObject({ type: z.literal("ping") });

/**
 * Someone is writing a message: a session that has hibernated reads what its next turn needs (its
 * history, settings, credential and tools) now, so the turn does not wait for it. Nothing is
 * answered; send it at most every few seconds while the user types.
 */
export const PrepareFrameSchema = z.strictObject({ type: z.literal("prepare") });
/** How often a client typing says so: the first wakes a session that slept, later ones keep it ready. */
export const PREPARE_EVERY_MS = 5_000;

export const ClientToSessionSchema = z.discriminatedUnion("type", [
  HelloFrameSchema,
  SendFrameSchema,
  CancelFrameSchema,
  ApproveFrameSchema,
  ConfigureFrameSchema,
  RetryFrameSchema,
  CompactFrameSchema,
  EditFrameSchema,
  RegenerateFrameSchema,
  SwitchBranchFrameSchema,
  QueueEditFrameSchema,
  QueueCancelFrameSchema,
  QueueResumeFrameSchema,
  PingFrameSchema,
  PrepareFrameSchema,
]);
export type ClientToSession = z.infer<typeof ClientToSessionSchema>;
export type HelloFrame = z.infer<typeof HelloFrameSchema>;

// ── server → client ────────────────────────────────────────────────────────────────────────

export const EventFrameSchema = z.looseObject({
  type: z.literal("event"),
  seq: SeqSchema,
  turn_id: TurnIdSchema,
  event: StreamEventSchema,
});
export type EventFrame = z.infer<typeof EventFrameSchema>;

export const ApprovalRequestFrameSchema = z.looseObject({
  type: z.literal("approval_request"),
  seq: SeqSchema,
  turn_id: TurnIdSchema,
  call_id: ToolCallIdSchema,
  tool: ToolNameSchema,
  kind: ToolKindSchema,
  args: z.record(z.string(), z.unknown()),
  expires_at: z.iso.datetime(),
});

/** How many of the newest messages a snapshot carries: a transcript holding this many may have older ones. */
export const SNAPSHOT_MESSAGES = 50;

export const SnapshotFrameSchema = z.looseObject({
  type: z.literal("snapshot"),
  /** The newest frame this snapshot already includes; resume from here. */
  seq: SeqSchema,
  protocol_version: z.number().int(),
  session: SessionSchema,
  presence: PresenceSchema,
  /** The most recent messages (up to SNAPSHOT_MESSAGES), oldest first. Older ones: `GET /sessions/:id/messages`. */
  messages: z.array(MessageSchema),
  /** The turn in flight: the events it has streamed so far and the approvals it is waiting for. */
  turn: z
    .looseObject({
      turn_id: TurnIdSchema,
      events: z.array(EventFrameSchema),
      approvals: z.array(ApprovalRequestFrameSchema).default([]),
      /** The request id of the send that started it. */
      request_id: RequestIdSchema.nullable().optional(),
    })
    .nullable(),
  /** Messages waiting for the turn in flight to end, oldest first (absent: none). */
  queue: z.array(QueueEntrySchema).optional(),
  /** The queue waits: the last turn was cancelled or failed. */
  queue_paused: z.boolean().optional(),
  /** The most recent turns started by a send with a request id, so a client that resumes from a snapshot finds its own. */
  requests: z.array(z.looseObject({ request_id: RequestIdSchema, turn_id: TurnIdSchema })).optional(),
});

/** A message was stored: the user's message as a turn starts, or one added through the API. */
export const MessageFrameSchema = z.looseObject({
  type: z.literal("message"),
  seq: SeqSchema,
  message: MessageSchema,
  /** On the user's message that starts a turn: the request id its send carried. */
  request_id: RequestIdSchema.optional(),
});

export const TurnStatusSchema = z.enum(["completed", "cancelled", "failed", "interrupted"]);
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

export const TurnEndFrameSchema = z.looseObject({
  type: z.literal("turn_end"),
  seq: SeqSchema,
  turn_id: TurnIdSchema,
  status: TurnStatusSchema,
  /** The stored assistant message, when the turn produced one. */
  message: MessageSchema.nullable(),
  /** The request id of the send that started the turn, if it gave one. */
  request_id: RequestIdSchema.optional(),
});

/** An approval was answered (by any client, or by the timeout): every client closes its prompt. */
export const ApprovalResultFrameSchema = z.looseObject({
  type: z.literal("approval_result"),
  seq: SeqSchema,
  turn_id: TurnIdSchema,
  call_id: ToolCallIdSchema,
  decision: ApprovalDecisionSchema,
  /** Who answered: a client kind, `timeout` when nobody did in time, `cancel` when the turn was stopped. */
  by: z.enum(["web", "tui", "api", "timeout", "cancel"]),
  /** The request id of the `approve` that answered it. */
  request_id: RequestIdSchema.optional(),
});

/** The queue changed (a message queued, edited, cancelled or started; paused or resumed): the whole list, oldest first. */
export const QueueFrameSchema = z.looseObject({
  type: z.literal("queue"),
  seq: SeqSchema,
  queue: z.array(QueueEntrySchema),
  paused: z.boolean(),
});

/**
 * The branch in use changed other than by growing (an edit, a regenerate, a switch): clients
 * replace the messages they show with these, the newest of the branch, oldest first (older ones:
 * `GET /sessions/:id/messages`).
 */
export const BranchFrameSchema = z.looseObject({
  type: z.literal("branch"),
  seq: SeqSchema,
  leaf_id: MessageIdSchema.nullable(),
  messages: z.array(MessageSchema),
});

export const PresenceFrameSchema = z.looseObject({
  type: z.literal("presence"),
  seq: SeqSchema,
  presence: PresenceSchema,
});

/**
 * The session's shape changed: its configuration (a `configure` from any client, or a PATCH), or
 * its totals — tokens, cost, context — after a turn, as Postgres then holds them.
 */
export const SessionUpdateFrameSchema = z.looseObject({
  type: z.literal("session_update"),
  seq: SeqSchema,
  session: SessionSchema,
});

/**
 * A credential this session uses changed state: a refresh failed (`last_error`), or it needs a
 * new login (`needs_reauth`). Never carries a secret: only the credential's public fields.
 */
export const CredentialUpdateFrameSchema = z.looseObject({
  type: z.literal("credential_update"),
  seq: SeqSchema,
  credential: CredentialSchema,
});

export const ErrorFrameSchema = z.looseObject({
  type: z.literal("error"),
  /** Absent when the error answers one socket's own frame. */
  seq: SeqSchema.optional(),
  code: ErrorCodeSchema,
  message: z.string(),
  fields: z.array(FieldIssueSchema).optional(),
});

export const PongFrameSchema = z.looseObject({ type: z.literal("pong") });

export const SessionToClientSchema = z.discriminatedUnion("type", [
  SnapshotFrameSchema,
  EventFrameSchema,
  MessageFrameSchema,
  TurnEndFrameSchema,
  ApprovalRequestFrameSchema,
  ApprovalResultFrameSchema,
  BranchFrameSchema,
  PresenceFrameSchema,
  SessionUpdateFrameSchema,
  CredentialUpdateFrameSchema,
  QueueFrameSchema,
  ErrorFrameSchema,
  PongFrameSchema,
]);
export type SessionToClient = z.infer<typeof SessionToClientSchema>;
export type SnapshotFrame = z.infer<typeof SnapshotFrameSchema>;

/** Frames that go to every socket and into the resume log: they all carry a `seq`. */
export type BroadcastFrame = Extract<
  SessionToClient,
  {
    type:
      | "event"
      | "message"
      | "turn_end"
      | "approval_request"
      | "approval_result"
      | "branch"
      | "presence"
      | "session_update"
      | "credential_update"
      | "queue";
  }
>;

/** Exact text of the keep-alive pair, so the Durable Object can auto-respond while hibernated. */
export const PING_FRAME_TEXT = JSON.stringify({ type: "ping" });
export const PONG_FRAME_TEXT = JSON.stringify({ type: "pong" });

/** Sub-protocol a session socket speaks; a bearer token can ride next to it (see auth). */
export const SESSION_SOCKET_PROTOCOL = "maestro.v1";
