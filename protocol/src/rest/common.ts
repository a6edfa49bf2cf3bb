/** Shapes shared by the REST bodies: list envelopes and the empty "ok" answer. */
import { z } from "zod";

/** Every list endpoint answers `{ data: [...] }` so a cursor can be added without a break. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item) });
}

/** `true`/`false` in a query string. */
export const QueryBooleanSchema = z.enum(["true", "false"]).transform((value) => value === "true");

/** Answer of a DELETE that has nothing else to say. */
export const DeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });
export type Deleted = z.infer<typeof DeletedSchema>;
