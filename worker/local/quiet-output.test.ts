// Proves: without --verbose, `npm run dev` keeps wrangler's and the Worker's output to warnings
// and errors. The lines are wrangler 4.164's and the Worker's own, captured from a dev run.
import { describe, expect, it } from "vitest";
import { quietWorkerOutput } from "./quiet-output.ts";

const STARTUP = [
  " ⛅️ wrangler 4.164.0",
  "────────────────────",
  "Using secrets defined in ../../tmp/devhome/.dev.vars",
  "Using secrets defined in ../../tmp/devhome/.maestro/runtime.env",
  "Your Worker has access to the following bindings:",
  "Binding                                                    Resource                  Mode",
  "env.SESSION (SessionDO)                                    Durable Object            local",
  "env.AGENT (AgentDO)                                        Durable Object            local",
  "env.SESSION_FEED (SessionFeedDO)                           Durable Object            local",
  'env.MAESTRO_API_TOKEN ("(hidden)")                         Environment Variable      local',
  "\u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m \u001b[1mScheduled Workers are not automatically triggered during local development.\u001b[0m",
  "  To manually trigger a scheduled event, run:",
  '    curl "http://127.0.0.1:8791/cdn-cgi/local/scheduled"',
  "  For more details, see \u001b[4mhttps://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers-locally\u001b[0m",
  "⎔ Starting local server...",
  "[wrangler:info] Ready on http://127.0.0.1:8791",
  '{"level":"info","event":"http.request","time":"2026-12-05T01:58:46.016Z","request_id":"a980f178-1483-4af6-88db-dced45ed66e1","method":"GET","path":"/api/v1/health","status":200,"duration_ms":38}',
  "[wrangler:info] GET /api/v1/health 200 OK (2051ms)",
  '{"level":"info","event":"http.request","time":"2026-12-05T01:58:46.104Z","request_id":"41be5586-28ee-490d-8302-5b229c2988b9","method":"GET","path":"/api/v1/credentials","status":200,"duration_ms":43}',
  "[wrangler:info] GET /api/v1/credentials 200 OK (58ms)",
];

describe("quietWorkerOutput", () => {
  it("hides wrangler's banner, bindings, the cron notice, request lines and info logs", () => {
    const show = quietWorkerOutput();
    expect(STARTUP.filter(show)).toEqual([]);
  });

  it("shows warnings and errors, from the Worker and from wrangler", () => {
    const show = quietWorkerOutput();
    const warning = JSON.stringify({ level: "warn", event: "agent.socket_error", time: "2026-12-05T01:58:46.016Z" });
    const error = JSON.stringify({ level: "error", event: "turn.failed", time: "2026-12-05T01:58:46.016Z" });
    const wranglerError = "\u001B[31m✘ \u001B[41;31m[\u001B[41;97mERROR\u001B[41;31m]\u001B[0m \u001B[1mAddress already in use\u001B[0m";
    expect([warning, error, wranglerError, "Uncaught TypeError: boom"].filter(show)).toHaveLength(4);
  });

  it("shows the lines after the cron notice once the notice is over", () => {
    const show = quietWorkerOutput();
    const notice = STARTUP.filter((line) => line.includes("Scheduled") || line.startsWith("  "));
    expect(notice.length).toBeGreaterThan(1);
    for (const line of notice) expect(show(line)).toBe(false);
    expect(show("▲ [WARNING] something else")).toBe(true);
  });
});
