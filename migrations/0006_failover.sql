ALTER TABLE "agent_templates" ADD COLUMN "fallbacks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "credential_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "fallbacks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_credential_id_saved_authentications_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."saved_authentications"("id") ON DELETE set null ON UPDATE no action;