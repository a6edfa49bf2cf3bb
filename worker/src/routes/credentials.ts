/** /credentials: API keys for the providers. Secrets go in, never out (DESIGN §6). */
import { createRoute } from "@hono/zod-openapi";
import {
  CreateCredentialBodySchema,
  CredentialIdSchema,
  CredentialListSchema,
  CredentialSchema,
  DeletedSchema,
  UpdateCredentialBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { createCredential, deleteCredential, listCredentials, updateCredential } from "../db/queries/credentials.ts";
import { notFound } from "../errors.ts";
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
  );
