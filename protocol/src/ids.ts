/**
 * Identifiers that cross the wire. Database rows use UUIDs; the brand keeps a session id from
 * being passed where a credential id is expected. Tool call ids come from the model's provider
 * and are opaque strings.
 */
import { z } from "zod";

export const SessionIdSchema = z.uuid().brand<"SessionId">();
export type SessionId = z.infer<typeof SessionIdSchema>;

export const ConversationIdSchema = z.uuid().brand<"ConversationId">();
export type ConversationId = z.infer<typeof ConversationIdSchema>;

export const MessageIdSchema = z.uuid().brand<"MessageId">();
export type MessageId = z.infer<typeof MessageIdSchema>;

export const TurnIdSchema = z.uuid().brand<"TurnId">();
export type TurnId = z.infer<typeof TurnIdSchema>;

export const CredentialIdSchema = z.uuid().brand<"CredentialId">();
export type CredentialId = z.infer<typeof CredentialIdSchema>;

export const TemplateIdSchema = z.uuid().brand<"TemplateId">();
export type TemplateId = z.infer<typeof TemplateIdSchema>;

export const ToolIdSchema = z.uuid().brand<"ToolId">();
export type ToolId = z.infer<typeof ToolIdSchema>;

export const McpServerIdSchema = z.uuid().brand<"McpServerId">();
export type McpServerId = z.infer<typeof McpServerIdSchema>;

export const AgentIdSchema = z.uuid().brand<"AgentId">();
export type AgentId = z.infer<typeof AgentIdSchema>;

/** One message waiting in a session's queue (worker-chosen). */
export const QueueEntryIdSchema = z.uuid().brand<"QueueEntryId">();
export type QueueEntryId = z.infer<typeof QueueEntryIdSchema>;

/**
 * A client's own name for something it asked (`send`, `approve`, the REST equivalents): echoed on
 * the frames that request caused, so a client finds its own turn without matching text.
 */
export const RequestIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, '_', '-', '.' and ':' only");
export type RequestId = z.infer<typeof RequestIdSchema>;

/** A provider's id for one tool call (`toolu_…`, `call_…`); opaque, but bounded. */
export const ToolCallIdSchema = z.string().min(1).max(256).brand<"ToolCallId">();
export type ToolCallId = z.infer<typeof ToolCallIdSchema>;

/** Id of one call over the agent tunnel (worker-chosen). */
export const TunnelCallIdSchema = z.string().min(1).max(128).brand<"TunnelCallId">();
export type TunnelCallId = z.infer<typeof TunnelCallIdSchema>;
