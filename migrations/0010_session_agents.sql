ALTER TABLE "sessions" DROP CONSTRAINT "sessions_agent_id_local_agents_id_fk";
--> statement-breakpoint
ALTER TABLE "agent_templates" ADD COLUMN "agent_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "agent_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- A session bound to one agent keeps it, as a binding of one (hand-added: drizzle-kit only drops the column).
UPDATE "sessions" SET "agent_ids" = jsonb_build_array("agent_id"::text) WHERE "agent_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "agent_id";
