ALTER TABLE "agent_templates" ADD COLUMN "agent_offline" text DEFAULT 'fail' NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_templates" ADD COLUMN "agent_offline_grace_ms" integer DEFAULT 600000 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "agent_offline" text DEFAULT 'fail' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "agent_offline_grace_ms" integer DEFAULT 600000 NOT NULL;