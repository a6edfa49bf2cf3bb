/**
 * Route definitions share these helpers so every route validates its input with the protocol
 * schemas and documents itself in /api/v1/openapi.json from those same schemas. A failed
 * validation becomes INVALID_REQUEST naming each offending field.
 */
import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { ErrorBodySchema, describeFieldIssues, toFieldIssues } from "@maestro/protocol";
import type { z } from "zod";
import { AppError } from "../errors.ts";
import type { AppEnv } from "../middleware/services.ts";

const TARGET_NAMES: Record<string, string> = { json: "body", query: "query", param: "path" };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the hook is shared by every route shape
const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const fields = toFieldIssues(result.error.issues);
  const where = TARGET_NAMES[result.target] ?? result.target;
  throw new AppError("INVALID_REQUEST", `Invalid ${where}: ${describeFieldIssues(fields)}`, { fields });
};

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description } as const;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid input; `fields` names what is wrong",
  401: "Missing or invalid API token",
  404: "No such resource",
  409: "Conflicts with the current state",
  413: "The request body is too large",
  426: "This path only speaks WebSocket",
  502: "A server The Maestro relies on failed (a provider, an MCP server, a sign-in server)",
};

export function errorResponses<S extends number>(...statuses: S[]) {
  const responses = {} as Record<S, ReturnType<typeof jsonResponse<typeof ErrorBodySchema>>>;
  for (const status of statuses) responses[status] = jsonResponse(ErrorBodySchema, STATUS_TEXT[status] ?? "Error");
  return responses;
}
