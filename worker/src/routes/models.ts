/** /models: the model catalog (models/catalog.ts) for the pickers: every provider's models, or one's. */
import { createRoute } from "@hono/zod-openapi";
import { ListModelsQuerySchema, ModelListSchema, ProviderIdSchema } from "@maestro/protocol";
import { listModels, toModel } from "../models/catalog.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

export const models = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Models each provider offers: context window, output limit, prices per million tokens, capabilities",
    request: { query: ListModelsQuerySchema },
    responses: { 200: jsonResponse(ModelListSchema, "The catalog, newest models first"), ...errorResponses(400, 401) },
  }),
  (c) => {
    const { provider } = c.req.valid("query");
    const providers = provider === undefined ? ProviderIdSchema.options : [provider];
    return c.json({ data: providers.flatMap((each) => listModels(each).map(toModel)) }, 200);
  },
);
