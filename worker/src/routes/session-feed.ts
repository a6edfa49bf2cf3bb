/**
 * GET /sessions/feed: the session feed over WebSocket — which session changed, as it happens, so
 * a session list stays live without polling (frames in @maestro/protocol's session-feed). Mounted
 * ahead of /sessions/{id} so "feed" is never read as a session id.
 */
import { createRoute } from "@hono/zod-openapi";
import { AppError } from "../errors.ts";
import { sessionFeed } from "../feed/announce.ts";
import { createRouter, errorResponses } from "./openapi.ts";

export const sessionFeedRoute = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/feed",
    summary: "Which session changed, live over WebSocket (reload the list from GET /sessions on each change)",
    responses: { 101: { description: "Switching to the session feed" }, ...errorResponses(401, 426) },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("UPGRADE_REQUIRED", "This path only speaks WebSocket.");
    return sessionFeed(c.env).fetch(new Request(c.req.raw));
  },
);
