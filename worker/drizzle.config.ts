// drizzle-kit: generates ../migrations from src/db/schema.ts. Never hand-edit a merged migration.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../migrations",
  casing: "snake_case",
});
