/** /credentials: API keys for the providers. Secrets go in, never out (DESIGN §6). */
import { createRoute } from "@hono/zod-openapi";
import {
  CreateCredentialBodySchema,
  CredentialIdSchema,
  CredentialListSchema,
  CredentialSchema,
  CredentialTestResultSchema,
  DeletedSchema,
  type ProviderId,
  UpdateCredentialBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { createCredential, deleteCredential, listCredentials, updateCredential } from "../db/queries/credentials.ts";
import { resolveCredential } from "../auth/credential-secret.ts";
import { refreshIfExpiring } from "../auth/refresh.ts";
import { notFound } from "../errors.ts";
import { probeCredential } from "../providers/probe.ts";
import { providerFor } from "../providers/registry.ts";
import { createRefreshDeps } from "../session/refresh-deps.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: CredentialIdSchema });

export const credentials = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Store an API key (encrypted at rest; only a hint comes back)",
      request: { body: jsonBody(CreateCredentialBodySchema) },
      responses: { 201: jsonResponse(CredentialSchema, "The stored credential"), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { db, config } = c.var.services;
      const credential = await createCredential(db, config.keyRing, c.req.valid("json"));
      c.var.log.info("credential.created", { credential_id: credential.id, provider: credential.provider });
      return c.json(credential, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List credentials",
      responses: { 200: jsonResponse(CredentialListSchema, "All credentials, newest first"), ...errorResponses(401) },
    }),
    async (c) => c.json({ data: await listCredentials(c.var.services.db) }, 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Rename, enable or disable a credential, or change its base URL",
      request: { params: IdParams, body: jsonBody(UpdateCredentialBodySchema) },
      responses: { 200: jsonResponse(CredentialSchema, "The updated credential"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const credential = await updateCredential(c.var.services.db, c.req.valid("param").id, c.req.valid("json"));
      if (credential === undefined) throw notFound("CREDENTIAL_NOT_FOUND", "credential");
      return c.json(credential, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Delete a credential (sessions using it keep running without one)",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Deleted"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deleteCredential(c.var.services.db, id))) throw notFound("CREDENTIAL_NOT_FOUND", "credential");
      c.var.log.info("credential.deleted", { credential_id: id });
      return c.json({ id, deleted: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/test",
      summary: "Check a credential against its provider: one tiny request to a cheap model",
      request: { params: IdParams },
      responses: {
        200: jsonResponse(CredentialTestResultSchema, "Whether the provider answered, and how fast"),
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { db, config, redis } = c.var.services;
      const id = c.req.valid("param").id;
      const credential = await resolveCredential(db, config.keyRing, id, {
        refresher: (credentialId, withinMs) =>
          refreshIfExpiring(createRefreshDeps({ env: c.env, config, db, redis, log: c.var.log }), credentialId, withinMs),
      });
      const result = await probeCredential(providerFor(credential.provider as ProviderId), credential, {
        fetch: globalThis.fetch.bind(globalThis),
        now: () => Date.now(),
      });
      c.var.log.info("credential.tested", { credential_id: id, ok: result.ok, latency_ms: result.latency_ms });
      return c.json(result, 200);
    },
  );
