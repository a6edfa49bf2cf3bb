CREATE TABLE "approval_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"effect" text NOT NULL,
	"tool_name" text NOT NULL,
	"match_param" text,
	"match_pattern" text,
	"session_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tool_executions" ADD COLUMN "decided_by_rule_id" uuid;--> statement-breakpoint
ALTER TABLE "tool_executions" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "approval_rules" ADD CONSTRAINT "approval_rules_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_rules_session_id_idx" ON "approval_rules" USING btree ("session_id");