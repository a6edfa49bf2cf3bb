// Proves (issue 11 §3): for every provider, each request repeats the history of the one before
// byte for byte (cache markers aside) — across the turn's own steps and across the session being
// reloaded from Postgres — with tool arguments in the key order the model wrote them and tool
// schemas in the order their author wrote them, so the provider's prompt cache keeps matching.
import { type ProviderId, builtinToolInputSchema } from "@maestro/protocol";
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { api } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { recordedRequests } from "../simulators/client.ts";

const HISTORY_KEY: Record<Exclude<ProviderId, "codex">, string> = {
  anthropic: "messages",
  openai: "messages",
  openai_responses: "input",
  gemini: "contents",
};
const SCHEMA_KEY: Record<Exclude<ProviderId, "codex">, string> = {
  anthropic: "input_schema",
  openai: "parameters",
  openai_responses: "parameters",
  gemini: "parametersJsonSchema",
};

/** The text of the array under `key` in a JSON text, exactly as it was sent. */
function arrayText(json: string, key: string): string {
  const open = json.indexOf(`"${key}":[`) + key.length + 3;
  if (open === key.length + 2) throw new Error(`no ${key} in the request`);
  let depth = 0;
  let inString = false;
  for (let index = open; index < json.length; index += 1) {
    const char = json[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "[" || char === "{") depth += 1;
    else if ((char === "]" || char === "}") && --depth === 0) return json.slice(open, index + 1);
  }
  throw new Error(`unterminated ${key}`);
}

/** Anthropic's cache breakpoint moves to the newest block each request: it is not history. */
const withoutCacheMarkers = (text: string) => text.replaceAll(',"cache_control":{"type":"ephemeral","ttl":"1h"}', "");

describe.each(["anthropic", "openai", "openai_responses", "gemini"] as const)("%s history", (provider) => {
  it("is repeated byte for byte by every later request, across reloads from Postgres", async () => {
    // Keys a jsonb column would re-sort ("a" before "path"), and spacing only the model chose.
    const args = { path: "src/index.ts", a: 1, nested: { zeta: true, b: [3, 1] } };
    const { session, key } = await scriptedSession(
      [
        {
          steps: [
            { kind: "text", text: "Reading." },
            { kind: "tool_calls", calls: [{ id: `call_stable_${provider}`, name: "read_file", args }] },
          ],
        },
        say("Read it."),
        say("Second."),
        say("Third."),
      ],
      { provider, approval_mode: "auto" },
    );
    for (const text of ["one", "two", "three"]) {
      const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
      expect(await answer.json()).toMatchObject({ status: "completed" });
      // The next turn starts from what Postgres holds, not from this object's memory.
      await abortAllDurableObjects();
    }

    const requests = await recordedRequests(inject("simulatorUrl"), key);
    expect(requests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const histories = requests.map((request) => withoutCacheMarkers(arrayText(request.raw_body, HISTORY_KEY[provider])));
    for (let index = 1; index < histories.length; index += 1) {
      const before = histories[index - 1] ?? "";
      expect(histories[index]?.slice(0, before.length - 1), `request ${index + 1} repeats request ${index}`).toBe(before.slice(0, -1));
    }
    // The tool call's arguments went back as the model wrote them, after the reload too.
    const argsText = JSON.stringify(args);
    for (const history of histories.slice(1))
      expect(history).toContain(provider === "anthropic" || provider === "gemini" ? argsText : JSON.stringify(argsText));
    // The tool schemas: in their author's order, the same in every request.
    const schema = `"${SCHEMA_KEY[provider]}":${JSON.stringify(builtinToolInputSchema("read_file"))}`;
    for (const request of requests) expect(request.raw_body).toContain(schema);
  });
});
