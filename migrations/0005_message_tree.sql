ALTER TABLE "conversations" ADD COLUMN "leaf_message_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "forked_from_session_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "forked_from_message_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_parent_id_messages_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_forked_from_session_id_sessions_id_fk" FOREIGN KEY ("forked_from_session_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_parent_id_idx" ON "messages" USING btree ("parent_id");--> statement-breakpoint
-- Messages stored before branches existed form one chain per conversation, in the order they were written.
UPDATE "messages" AS "m" SET "parent_id" = "ordered"."previous" FROM (
  SELECT "id", lag("id") OVER (PARTITION BY "conversation_id" ORDER BY "created_at", "id") AS "previous" FROM "messages"
) AS "ordered" WHERE "m"."id" = "ordered"."id" AND "ordered"."previous" IS NOT NULL;--> statement-breakpoint
UPDATE "conversations" AS "c" SET "leaf_message_id" = "newest"."id" FROM (
  SELECT DISTINCT ON ("conversation_id") "conversation_id", "id" FROM "messages" ORDER BY "conversation_id", "created_at" DESC, "id" DESC
) AS "newest" WHERE "c"."id" = "newest"."conversation_id";
