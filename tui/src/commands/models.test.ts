// Proves: `maestro models` prints the catalog as a table (window, output limit, prices per million,
// what each model can do), with the provider column only when listing them all, asks the API for
// one provider with --provider, says "subscription" for codex instead of prices, and reports an
// API error in one line with exit 1; an unknown --provider is refused with the help, exit 2.
import { type Model, createRestClient } from "@maestro/protocol";
import { SAMPLE_MODEL } from "@maestro/protocol/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { saveConfig } from "../config.ts";
import { main } from "../main.ts";
import { listModels } from "./models.ts";
import { capture } from "./capture-output.ts";

const CODEX: Model = {
  ...SAMPLE_MODEL,
  provider: "codex",
  id: "gpt-5-codex",
  name: "GPT-5-Codex",
  context_window: 400_000,
  max_output_tokens: 128_000,
  prices: { input: null, output: null, cache_read: null, cache_write: null },
  billing: "subscription",
  capabilities: { tools: true, reasoning: true, prompt_caching: true, images: false },
};

function fakeApi(answer: () => Response) {
  const urls: string[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return answer();
    },
  });
  return { client, urls };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("maestro models", () => {
  it("prints every provider's models with window, output limit, prices and abilities", async () => {
    const api = fakeApi(() => Response.json({ data: [SAMPLE_MODEL, CODEX] }));
    const printed = capture();
    expect(await listModels(api.client, undefined, printed.output)).toBe(0);
    expect(api.urls).toEqual(["http://maestro.test/api/v1/models"]);
    const lines = printed.out().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^PROVIDER +MODEL +CONTEXT +OUTPUT +IN +OUT +CACHE READ +CACHE WRITE +CAN$/);
    expect(lines[1]).toMatch(/^anthropic +claude-sonnet-4-5 +200k +64k +3 +15 +0\.3 +6 +tools,thinking,caching,images$/);
    expect(lines[2]).toMatch(/^codex +gpt-5-codex +400k +128k +subscription +tools,thinking,caching$/);
    expect(lines[3]).toContain("US dollars per million tokens");
  });

  it("asks for one provider's models with --provider, without the provider column", async () => {
    const api = fakeApi(() => Response.json({ data: [CODEX] }));
    const printed = capture();
    expect(await listModels(api.client, "codex", printed.output)).toBe(0);
    expect(api.urls).toEqual(["http://maestro.test/api/v1/models?provider=codex"]);
    expect(printed.out()).toMatch(/^MODEL +CONTEXT/);
  });

  it("reports an API error in one line and exits 1", async () => {
    const api = fakeApi(() =>
      Response.json({ error: { code: "UNAUTHORIZED", message: "Missing or invalid API token." } }, { status: 401 }),
    );
    const printed = capture();
    expect(await listModels(api.client, undefined, printed.output)).toBe(1);
    expect(printed.err()).toBe("Could not list the models: Missing or invalid API token.\n");
  });

  it("refuses an unknown provider with the help, exit 2", async () => {
    const home = await mkdtemp(join(tmpdir(), "maestro-models-"));
    try {
      vi.stubEnv("XDG_CONFIG_HOME", home);
      await saveConfig({ url: "http://127.0.0.1:9", token: "t" }, join(home, "maestro", "config.json"));
      const printed = capture();
      expect(await main(["models", "--provider", "mistral"], printed.output)).toBe(2);
      expect(printed.err()).toContain('Unknown provider "mistral"');
      expect(printed.err()).toContain("maestro models [--provider <id>]");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
