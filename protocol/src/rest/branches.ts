/**
 * Branches and forks: a conversation is a tree of messages. Editing a past user message, or
 * regenerating an answer (with the same model or another), starts a branch at that point; the
 * old branch is kept and can be switched back to; the branch in use is what the model sees.
 * A fork copies the branch up to a message into a new session.
 */
import { z } from "zod";
import { ProviderIdSchema, TimestampSchema } from "../common.ts";
import { CredentialIdSchema, MessageIdSchema, SessionIdSchema, TurnIdSchema } from "../ids.ts";
import { MAX_MESSAGE_TEXT, MessageSchema } from "./messages.ts";
import { ModelNameSchema } from "./sessions.ts";

/** `POST /sessions/:id/messages/:message_id/edit`: send this instead of a past user message. */
export const EditMessageBodySchema = z.strictObject({
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
});
export type EditMessageBody = z.infer<typeof EditMessageBodySchema>;

/**
 * `POST /sessions/:id/messages/:message_id/regenerate`: answer again from where that answer
 * began — with the session's model, or for this one answer another (the session keeps its own).
 */
export const REGENERATE_CHOICES = {
  provider: ProviderIdSchema.optional(),
  model: ModelNameSchema.optional(),
  /** A credential of `provider` (or of the session's provider); its default one when absent. */
  credential_id: CredentialIdSchema.optional(),
};

/** Another provider names its model too: the session's model is rarely one the other provider has. */
const modelGivenWithProvider = (body: { provider?: unknown; model?: unknown }) => body.provider === undefined || body.model !== undefined;
const MODEL_WITH_PROVIDER = { path: ["model"], message: "model is required with provider" };

export const RegenerateBodySchema = z.strictObject(REGENERATE_CHOICES).refine(modelGivenWithProvider, MODEL_WITH_PROVIDER);
export type RegenerateBody = z.infer<typeof RegenerateBodySchema>;

export const BranchTurnAcceptedSchema = z.object({
  turn_id: TurnIdSchema,
  /** The new user message (edit), or null (regenerate). */
  message_id: MessageIdSchema.nullable(),
});
export type BranchTurnAccepted = z.infer<typeof BranchTurnAcceptedSchema>;

/** `POST /sessions/:id/branch`: continue from the branch holding this message (at its newest message). */
export const SwitchBranchBodySchema = z.strictObject({ message_id: MessageIdSchema });
export type SwitchBranchBody = z.infer<typeof SwitchBranchBodySchema>;

/** The branch now in use: its newest message and its most recent messages, oldest first. */
export const BranchSwitchedSchema = z.object({
  leaf_id: MessageIdSchema.nullable(),
  messages: z.array(MessageSchema),
});
export type BranchSwitched = z.infer<typeof BranchSwitchedSchema>;

/** `POST /sessions/:id/fork`: a new session with this one's settings and its branch up to `message_id`. */
export const ForkSessionBodySchema = z.strictObject({
  message_id: MessageIdSchema,
  title: z.string().trim().min(1).max(200).optional(),
});
export type ForkSessionBody = z.infer<typeof ForkSessionBodySchema>;

/** `GET /sessions/:id/forks`: the sessions forked from this one, newest first. */
export const SessionForkSchema = z.object({
  session_id: SessionIdSchema,
  title: z.string(),
  /** The message of this session the fork's history ends at. */
  message_id: MessageIdSchema,
  created_at: TimestampSchema,
});
export const SessionForkListSchema = z.object({ data: z.array(SessionForkSchema) });
export type SessionFork = z.infer<typeof SessionForkSchema>;

/** The same choices on the session socket's `regenerate` frame. */
export function regenerateFrame<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...shape, ...REGENERATE_CHOICES }).refine(modelGivenWithProvider, MODEL_WITH_PROVIDER);
}
