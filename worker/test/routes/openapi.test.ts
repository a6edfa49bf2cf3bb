// Proves: /api/v1/openapi.json is generated from the protocol schemas the routes validate with,
// so the document and the behaviour cannot drift.
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> };
        parameters?: { name: string; in: string }[];
      }
    >
  >;
}

describe("OpenAPI document", () => {
  it("describes each route with the schemas it validates", async () => {
    const response = await api("/openapi.json");
    expect(response.headers.get("content-type")).toContain("application/json");
    const document = await response.json<OpenApiDocument>();
    expect(document.openapi).toBe("3.1.0");
    const createCredential = document.paths["/credentials"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(createCredential?.required).toEqual(expect.arrayContaining(["provider", "auth_type", "label", "api_key"]));
    expect(Object.keys(createCredential?.properties ?? {})).toEqual(expect.arrayContaining(["base_url"]));
    const listSessions = document.paths["/sessions"]?.get?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`);
    expect(listSessions).toEqual(expect.arrayContaining(["query:status", "query:q", "query:limit"]));
    const readSession = document.paths["/sessions/{id}"]?.get?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`);
    expect(readSession).toEqual(["path:id"]);
    expect(document.paths["/sessions/{id}/socket"]?.get).toBeDefined();
  });
});
