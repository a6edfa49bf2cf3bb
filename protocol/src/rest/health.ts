/** GET /health: liveness for monitors. Reveals nothing secret, needs no token. */
import { z } from "zod";

export const DependencyStatusSchema = z.enum(["ok", "error"]);

export const HealthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  db: DependencyStatusSchema,
  redis: DependencyStatusSchema,
});
export type Health = z.infer<typeof HealthSchema>;
