/** GET /usage: tokens and cost, summed and grouped by day, provider and/or model. */
import { z } from "zod";
import { ProviderIdSchema } from "../common.ts";

export const UsageGroupSchema = z.enum(["day", "provider", "model"]);
export type UsageGroup = z.infer<typeof UsageGroupSchema>;

const DateSchema = z.iso.date();

export const UsageQuerySchema = z
  .strictObject({
    from: DateSchema.optional(),
    to: DateSchema.optional(),
    /** Comma-separated, e.g. `day,provider`. */
    group_by: z
      .string()
      .default("day")
      .transform((value) =>
        value
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .pipe(z.array(UsageGroupSchema).min(1).max(3)),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    message: "from must not be after to",
    path: ["from"],
  });
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export const UsageRowSchema = z.object({
  day: DateSchema.optional(),
  provider: ProviderIdSchema.optional(),
  model: z.string().optional(),
  messages: z.number().int().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative(),
  cache_write_tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative(),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageReportSchema = z.object({
  from: DateSchema,
  to: DateSchema,
  group_by: z.array(UsageGroupSchema),
  rows: z.array(UsageRowSchema),
  totals: UsageRowSchema.omit({ day: true, provider: true, model: true }),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;
