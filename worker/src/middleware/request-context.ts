/** Request id and access log: every request gets an id (echoed in `x-request-id`) and one log line. */
import type { Context } from "hono";
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
  const line = { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started };
  afterResponse(c, () => log.info("http.request", line));
});

/**
 * How long after the response the access line is written. Writing a log line costs the thread
 * ~0.1 ms under `wrangler dev` (far more with a debugger attached); a stream's first tokens follow
 * its response by about a millisecond when the model is quick, so a line written as soon as the
 * response had left landed between the two.
 */
const ACCESS_LOG_DELAY_MS = 100;

/**
 * Runs `work` a moment after the response has left, kept alive by waitUntil: no response, and no
 * SSE stream's first tokens, should wait for a log line. Without an execution context (a test
 * calling the app directly) it runs now.
 */
function afterResponse(c: Context<AppEnv>, work: () => void): void {
  let context: Context<AppEnv>["executionCtx"];
  try {
    context = c.executionCtx;
  } catch {
    work();
    return;
  }
  context.waitUntil(new Promise<void>((resolve) => setTimeout(() => resolve(work()), ACCESS_LOG_DELAY_MS)));
}
