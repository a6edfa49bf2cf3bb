/** GET /health: are the database and Redis reachable? No token needed; nothing secret revealed. */
import { createRoute } from "@hono/zod-openapi";
import { HealthSchema } from "@maestro/protocol";
import { sql } from "drizzle-orm";
import { VERSION } from "../version.ts";
import { createRouter, jsonResponse } from "./openapi.ts";

const PROBE_TIMEOUT_MS = 3000;

async function probe(check: () => Promise<unknown>): Promise<"ok" | "error"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "error";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export const health = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Liveness of the Worker, its database and Redis",
    responses: {
      200: jsonResponse(HealthSchema, "Everything answers"),
      503: jsonResponse(HealthSchema, "A dependency does not answer"),
    },
  }),
  async (c) => {
    const { db, redis } = c.var.services;
    const [database, cache] = await Promise.all([probe(() => db.execute(sql`select 1`)), probe(() => redis.ping())]);
    const ok = database === "ok" && cache === "ok";
    if (!ok) c.var.log.warn("health.degraded", { db: database, redis: cache });
    return c.json({ ok, version: VERSION, db: database, redis: cache }, ok ? 200 : 503);
  },
);
