ALTER TABLE "saved_authentications" ADD COLUMN "context_window" integer;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "context_window" integer;