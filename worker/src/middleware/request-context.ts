/** Request id and access log: every request gets an id (echoed in `x-request-id`) and one log line. */
import { createMiddleware } from "hono/factory";
import { createLogger } from "../log.ts";
import type { AppEnv } from "./services.ts";

const INCOMING_ID = /^[A-Za-z0-9_-]{8,64}$/;

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
  const log = createLogger({ request_id: requestId });
  c.set("requestId", requestId);
  c.set("log", log);
  const started = Date.now();
  await next();
  c.header("x-request-id", requestId);
  // The path only: query strings are not logged.
  log.info("http.request", { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started });
});
