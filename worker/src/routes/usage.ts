/** /usage: tokens and cost of assistant messages, grouped by day, provider and/or model. */
import { createRoute } from "@hono/zod-openapi";
import { UsageQuerySchema, UsageReportSchema } from "@maestro/protocol";
import { usageReport } from "../db/queries/usage.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

const DEFAULT_RANGE_DAYS = 30;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export const usage = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Tokens and cost; the last 30 days by day unless asked otherwise",
    request: { query: UsageQuerySchema },
    responses: { 200: jsonResponse(UsageReportSchema, "The report"), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const to = query.to ?? isoDate(new Date());
    const from = query.from ?? isoDate(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000));
    return c.json(await usageReport(c.var.services.db, { from, to }, query.group_by), 200);
  },
);
