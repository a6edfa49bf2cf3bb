/**
 * The Hono app: middleware, one router per resource under /api/v1, the OpenAPI document built
 * from the same protocol schemas the routes validate with, and the one error boundary that turns
 * anything thrown into `{ error: { code, message } }`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { type ErrorCode, MAX_IMPORT_BYTES } from "@maestro/protocol";
import { AppError, internalError, toErrorBody } from "./errors.ts";
import { createLogger } from "./log.ts";
import { presentsApiToken, requireApiToken } from "./middleware/auth.ts";
import { requestContext } from "./middleware/request-context.ts";
import { type AppEnv, services } from "./middleware/services.ts";
import { turnInputsNotice } from "./middleware/turn-inputs.ts";
import { createRateLimit } from "./rate-limit/middleware.ts";
import { apiRule, signInRule } from "./rate-limit/rules.ts";
import { agentTunnel, presentsAgentToken, requireAgentToken } from "./routes/agent-tunnel.ts";
import { agents } from "./routes/agents.ts";
import { credentials } from "./routes/credentials.ts";
import { health } from "./routes/health.ts";
import { mcpServers } from "./routes/mcp.ts";
import { branches } from "./routes/branches.ts";
import { sessionTransfer } from "./routes/export.ts";
import { messages } from "./routes/messages.ts";
import { queue } from "./routes/queue.ts";
import { models } from "./routes/models.ts";
import { oauth, oauthCallback } from "./routes/oauth.ts";
import { search } from "./routes/search.ts";
import { sessionFeedRoute } from "./routes/session-feed.ts";
import { sessions } from "./routes/sessions.ts";
import { templates } from "./routes/templates.ts";
import { toolExecutions } from "./routes/tool-executions.ts";
import { approvals } from "./routes/approvals.ts";
import { approvalRules } from "./routes/approval-rules.ts";
import { tools } from "./routes/tools.ts";
import { usage } from "./routes/usage.ts";
import { webSession } from "./routes/web-session.ts";
import { VERSION } from "./version.ts";

const MAX_BODY_BYTES = 1024 * 1024;
const IMPORT_PATH = "/api/v1/sessions/import";

/** Hono raises HTTPExceptions for malformed transport; each gets a fixed, safe message. */
const HTTP_EXCEPTIONS: Record<number, [ErrorCode, string]> = {
  400: ["INVALID_REQUEST", "The request body is not valid JSON."],
  401: ["UNAUTHORIZED", "Missing or invalid API token."],
  413: ["PAYLOAD_TOO_LARGE", "The request body is too large."],
  415: ["UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json."],
};

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const known = HTTP_EXCEPTIONS[error.status];
    if (known !== undefined) return new AppError(known[0], known[1], { cause: error });
  }
  return internalError(error);
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const api = new OpenAPIHono<AppEnv>();

  const tooLarge = () => {
    throw new AppError("PAYLOAD_TOO_LARGE", "The request body is too large.");
  };
  const defaultLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  // A whole session's export is the one body allowed to be larger (routes/export.ts).
  const importLimit = bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: tooLarge });
  api.use((c, next) => (c.req.method === "POST" && c.req.path === IMPORT_PATH ? importLimit : defaultLimit)(c, next));
  // First, so it also follows the MCP sign-in's landing, which is routed before the API token check.
  api.use(turnInputsNotice);
  // Sign-in attempts count per address (rate-limit/rules.ts): every POST to /auth/session, every
  // browser landing from an MCP login (its state is the secret), every wrong agent token offered
  // to the tunnel, and every wrong API token offered to any other route. Asking whether one is
  // signed in, or signing out, does not count.
  const signIn = createRateLimit(signInRule);
  api.post("/auth/session", signIn.everyRequest);
  api.use("/oauth/mcp/callback", signIn.everyRequest);
  api.route("/health", health);
  api.use("/agents/connect", signIn.failuresOf(requireAgentToken, presentsAgentToken));
  api.route("/agents/connect", agentTunnel);
  api.route("/oauth/mcp/callback", oauthCallback);
  api.route("/auth/session", webSession);
  api.use(signIn.failuresOf(requireApiToken, presentsApiToken));
  api.use(createRateLimit(apiRule).everyRequest);
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "The Maestro API",
      version: VERSION,
      description: "Public API v1. Every route but /health needs `Authorization: Bearer <MAESTRO_API_TOKEN>`.",
    },
    security: [{ bearer: [] }],
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  api.route("/credentials", credentials);
  api.route("/sessions", sessionFeedRoute);
  api.route("/sessions", sessions);
  api.route("/sessions", messages);
  api.route("/sessions", branches);
  api.route("/sessions", queue);
  api.route("/sessions", sessionTransfer);
  api.route("/sessions", toolExecutions);
  api.route("/approvals", approvals);
  api.route("/approval-rules", approvalRules);
  api.route("/templates", templates);
  api.route("/tools", tools);
  api.route("/mcp-servers", mcpServers);
  api.route("/agents", agents);
  api.route("/oauth", oauth);
  api.route("/usage", usage);
  api.route("/models", models);
  api.route("/search", search);

  app.use("/api/*", requestContext, services);
  app.route("/api/v1", api);

  app.notFound((c) => c.json(toErrorBody(new AppError("ROUTE_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`)), 404));
  app.onError((error, c) => {
    const appError = toAppError(error);
    const log = c.var.log ?? createLogger();
    if (appError.status >= 500) log.error("http.error", { code: appError.code, error: appError.cause ?? appError });
    else log.info("http.refused", { code: appError.code, internal: appError.internal });
    return c.json(toErrorBody(appError), appError.status as 400);
  });
  return app;
}
