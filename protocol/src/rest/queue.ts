/**
 * A session's queue: messages sent while a turn runs wait here, visible to every client and
 * editable or cancellable until they start; the next one starts when the turn ends
 * (`GET/PATCH/DELETE /sessions/:id/queue[/:entry_id]`, the socket's `queue` frame).
 */
import { z } from "zod";
import { ClientKindSchema, TimestampSchema } from "../common.ts";
import { QueueEntryIdSchema, RequestIdSchema } from "../ids.ts";
import { MAX_MESSAGE_TEXT } from "./messages.ts";

/** How many messages may wait at once; one more is refused with QUEUE_FULL. */
export const MAX_QUEUED_MESSAGES = 20;

export const QueueEntrySchema = z.object({
  id: QueueEntryIdSchema,
  text: z.string(),
  /** The sender's request id, echoed again on the turn this message starts. */
  request_id: RequestIdSchema.nullable(),
  queued_at: TimestampSchema,
  /** Which kind of client queued it. */
  by: ClientKindSchema,
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

/**
 * The queue, oldest first. `paused`: the last turn was cancelled or failed, so the queue waits
 * instead of starting the next message; sending another message, retrying or resuming starts it.
 */
export const QueueSchema = z.object({
  data: z.array(QueueEntrySchema),
  paused: z.boolean(),
});
export type Queue = z.infer<typeof QueueSchema>;

export const QueueEditBodySchema = z.strictObject({
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
});
export type QueueEditBody = z.infer<typeof QueueEditBodySchema>;

/** `POST /sessions/:id/messages` while a turn runs: 202 with the queued entry (no turn yet). */
export const SendMessageQueuedSchema = z.object({ queued: QueueEntrySchema });
export type SendMessageQueued = z.infer<typeof SendMessageQueuedSchema>;
