// Proves: the Codex provider (ChatGPT subscription) passes the shared conformance suite against
// the simulator's Codex endpoint, which checks its headers against llxprt's capture, and builds
// the captured body: Responses input, `store: false`, the session as the prompt-cache key.
import { describe, expect, it } from "vitest";
import { toCodexRequest } from "../../src/providers/codex.ts";
import { conformance } from "./conformance.ts";

conformance("codex", { baseUrl: (url) => `${url}/backend-api/codex`, model: "gpt-5.5", reportsCacheWrites: false, accountId: "acct-1" });

describe("codex specifics", () => {
  it("keeps nothing server-side and keys the prompt cache by session", () => {
    const body = toCodexRequest(
      { model: "gpt-5.5", system: "sys", tools: [], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      "s-1",
    );
    expect(body).toEqual({
      model: "gpt-5.5",
      input: [{ role: "user", content: "hi" }],
      stream: true,
      instructions: "sys",
      store: false,
      prompt_cache_key: "s-1",
    });
  });
});
