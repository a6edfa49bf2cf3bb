ALTER TABLE "sessions" ADD COLUMN "compact_at" real;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "context_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_compactions_idx" ON "messages" USING btree ("conversation_id","created_at" DESC NULLS LAST) WHERE "messages"."role" = 'compaction';--> statement-breakpoint
CREATE INDEX "messages_conversation_id_created_at_idx" ON "messages" USING btree ("conversation_id","created_at");