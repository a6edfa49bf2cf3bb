ALTER TABLE "mcp_servers" ADD COLUMN "oauth_secret" text;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD COLUMN "oauth_needs_login" boolean DEFAULT false NOT NULL;