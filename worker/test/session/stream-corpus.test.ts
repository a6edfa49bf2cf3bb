// Proves (issue 11 §5): every recorded-style stream in test/fixtures/streams — what the providers
// really send, messy shapes included — played byte for byte by the simulator through the whole
// session path (simulator → Worker → SessionDO → sockets → Postgres) gives the clients the events
// it should, stores the answer it should with its usage and cost, never lets a secret the provider
// echoed reach anyone, and leaves the session so that the next request replays the answer exactly
// and is one the (pessimistic) simulator accepts. The fixture format is in fixtures/streams/README.md.
import type { ContentPart, CredentialId, Message, ProviderId, StreamEvent } from "@maestro/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { messages } from "../../src/db/schema.ts";
import { costOf } from "../../src/providers/pricing.ts";
import { client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { captureLogs } from "../helpers/logs.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests, registerScript } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";
import { waitForTurn } from "../helpers/turns.ts";

interface Fixture {
  readonly description: string;
  readonly response?: { readonly status?: number; readonly headers?: Record<string, string> };
  readonly delivery?: { readonly mode?: "frames" | "bytes"; readonly chunk_bytes?: number };
  readonly end?: "close" | "cut" | "hang";
  readonly model?: string;
  readonly expect: {
    readonly turn_status?: "completed" | "failed";
    readonly message_status?: "complete" | "partial" | "error";
    readonly stop_reason?: string | null;
    readonly text?: string;
    readonly thinking?: readonly { readonly text: string; readonly signature?: string }[];
    readonly redacted_thinking?: readonly string[];
    readonly refusal?: string;
    readonly tool_calls?: readonly {
      readonly id?: string;
      readonly name: string;
      readonly args: Record<string, unknown>;
      readonly args_json?: string;
    }[];
    readonly usage?: { input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number } | null;
    readonly error_code?: string;
    readonly error_contains?: string;
    readonly not_contains?: readonly string[];
    readonly retried?: boolean;
  };
}

const bodies = import.meta.glob<string>("../fixtures/streams/*/*.sse", { query: "?raw", import: "default", eager: true });
const specs = import.meta.glob<Fixture>("../fixtures/streams/*/*.json", { import: "default", eager: true });

const PROVIDERS: ProviderId[] = ["anthropic", "openai", "openai_responses", "gemini"];
const DEFAULT_MODEL: Partial<Record<ProviderId, string>> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  gemini: "gemini-2.5-pro",
};
/** The key a provider's echo fixtures quote back: not key-shaped, so only masking by value hides it. */
const keyOf = (provider: ProviderId) => `corpus-${provider}-KEY-0001`;

const RECOVERED: TurnInput = { steps: [{ kind: "text", text: "Recovered." }], usage: { input_tokens: 10, output_tokens: 2 } };
const DONE: TurnInput = { steps: [{ kind: "text", text: "Done." }] };
const NEXT: TurnInput = { steps: [{ kind: "text", text: "Next." }] };

const credentials = new Map<ProviderId, CredentialId>();
async function credentialFor(provider: ProviderId): Promise<CredentialId> {
  const known = credentials.get(provider);
  if (known !== undefined) return known;
  const simulatorUrl = inject("simulatorUrl");
  const created = await client().credentials.create({
    provider,
    auth_type: "api_key",
    label: `corpus ${provider}`,
    api_key: keyOf(provider),
    base_url: provider === "openai" || provider === "openai_responses" ? `${simulatorUrl}/v1` : simulatorUrl,
  });
  credentials.set(provider, created.id);
  return created.id;
}

function scenariosOf(provider: ProviderId): { name: string; fixture: Fixture; body: string }[] {
  const prefix = `../fixtures/streams/${provider}/`;
  return Object.entries(specs)
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, fixture]) => {
      const name = path.slice(prefix.length, -".json".length);
      const body = bodies[`${prefix}${name}.sse`];
      if (body === undefined) throw new Error(`${provider}/${name}: no .sse body`);
      return { name, fixture, body };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

type Part<T extends ContentPart["type"]> = Extract<ContentPart, { type: T }>;
const partsOf = <T extends ContentPart["type"]>(content: readonly ContentPart[], type: T) =>
  content.filter((part): part is Part<T> => part.type === type);
const textOf = (content: readonly ContentPart[]) =>
  partsOf(content, "text")
    .map((part) => part.text)
    .join("");

/** The events of the scenario's model call as the clients saw them, folded the simple way. */
function streamed(events: readonly StreamEvent[]) {
  return {
    text: events.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join(""),
    thinking: events.flatMap((event) => (event.type === "thinking_delta" ? [event.text] : [])).join(""),
    refusal: events.flatMap((event) => (event.type === "refusal_delta" ? [event.text] : [])).join(""),
    calls: events.flatMap((event) => (event.type === "tool_call" && event.phase === "end" ? [event] : [])),
    errors: events.flatMap((event) => (event.type === "error" ? [event] : [])),
  };
}

/** The stored answer, as it must come back in the next request's raw bytes, per wire format. */
function expectReplayed(provider: ProviderId, raw: string, answer: Message): void {
  const calls = partsOf(answer.content, "tool_call");
  for (const call of calls) {
    const argsText = call.args_json ?? JSON.stringify(call.args);
    if (provider === "anthropic") expect(raw, `${call.name} input`).toContain(`"input":${argsText}`);
    else if (provider === "gemini") expect(raw).toContain(`"id":${JSON.stringify(call.call_id)}`);
    else expect(raw, `${call.name} arguments`).toContain(`"arguments":${JSON.stringify(argsText)}`);
    if (call.signature !== undefined) expect(raw).toContain(`"thoughtSignature":${JSON.stringify(call.signature)}`);
  }
  for (const part of partsOf(answer.content, "thinking")) {
    if (part.signature === undefined) continue;
    // Gemini leaves thoughts out of history, as gemini-cli does; everyone else sends them back sealed.
    if (provider === "gemini") expect(raw).not.toContain('"thought":true');
    else if (provider === "anthropic")
      expect(raw).toContain(`"thinking":${JSON.stringify(part.text)},"signature":${JSON.stringify(part.signature)}`);
    else expect(raw).toContain(`"encrypted_content":${JSON.stringify(part.signature)}`);
  }
  for (const part of partsOf(answer.content, "redacted_thinking"))
    expect(raw).toContain(`{"type":"redacted_thinking","data":${JSON.stringify(part.data)}}`);
  for (const part of partsOf(answer.content, "text"))
    if (part.signature !== undefined) expect(raw).toContain(`"thoughtSignature":${JSON.stringify(part.signature)}`);
}

describe.each(PROVIDERS)("%s stream corpus", (provider) => {
  it.each(scenariosOf(provider))("$name", async ({ fixture, body }) => {
    const expected = fixture.expect;
    const simulatorUrl = inject("simulatorUrl");
    const key = keyOf(provider);
    const raw: TurnInput = {
      raw: {
        body,
        status: fixture.response?.status ?? 200,
        headers: fixture.response?.headers ?? {},
        mode: fixture.delivery?.mode ?? "frames",
        ...(fixture.delivery?.chunk_bytes !== undefined && { chunk_bytes: fixture.delivery.chunk_bytes }),
        end: fixture.end ?? "close",
      },
    };
    const callsTools = (expected.tool_calls?.length ?? 0) > 0 && expected.turn_status !== "failed";
    await registerScript(simulatorUrl, key, [raw, ...(expected.retried === true ? [RECOVERED] : []), ...(callsTools ? [DONE] : []), NEXT]);
    const model = fixture.model ?? DEFAULT_MODEL[provider] ?? "model";
    const session = await client().sessions.create({
      provider,
      model,
      credential_id: await credentialFor(provider),
      title: "corpus",
      system_prompt: "You are a test.",
      approval_mode: "auto",
    });
    const logs = captureLogs();
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "go" });
    const end = await web.next("turn_end", 15_000);
    logs.stop();

    // 1. What the clients saw of the scenario's model call (the events before its stored message).
    const firstStored = web.received.findIndex((frame) => frame.type === "message" && frame.message.role === "assistant");
    const events = web.received
      .slice(0, firstStored === -1 ? undefined : firstStored)
      .flatMap((frame) => (frame.type === "event" ? [frame.event] : []));
    const live = streamed(events);
    if (expected.error_code === undefined) expect(live.errors, "no error event").toEqual([]);
    else expect(live.errors.map((error) => error.code)).toContain(expected.error_code);
    if (expected.turn_status !== undefined) expect(end.status).toBe(expected.turn_status);

    // 2. The stored answer: the first assistant message of the turn (turn_end comes before the
    // turn's last rows are written; a wait for the turn answers once they are).
    await waitForTurn(session.id, end.turn_id);
    const rows = await withDb((db) => db.select().from(messages).where(eq(messages.sessionId, session.id)).orderBy(messages.createdAt));
    const page = await client().messages.list(session.id, { limit: 50 });
    const answer = [...page.data].reverse().find((message) => message.role === "assistant");
    if (answer === undefined) throw new Error("no answer was stored");
    if (expected.message_status !== undefined) expect(answer.status).toBe(expected.message_status);
    if (expected.stop_reason !== undefined) expect(answer.stop_reason).toBe(expected.stop_reason);
    if (expected.text !== undefined) expect(textOf(answer.content)).toBe(expected.text);
    if (expected.thinking !== undefined)
      expect(
        partsOf(answer.content, "thinking").map(({ text, signature }) => ({ text, ...(signature !== undefined && { signature }) })),
      ).toEqual(expected.thinking);
    if (expected.redacted_thinking !== undefined)
      expect(partsOf(answer.content, "redacted_thinking").map((part) => part.data)).toEqual(expected.redacted_thinking);
    if (expected.refusal !== undefined)
      expect(
        partsOf(answer.content, "refusal")
          .map((part) => part.text)
          .join(""),
      ).toBe(expected.refusal);
    if (expected.tool_calls !== undefined)
      expect(partsOf(answer.content, "tool_call")).toEqual(
        expected.tool_calls.map((call): unknown =>
          expect.objectContaining({
            name: call.name,
            args: call.args,
            ...(call.id !== undefined && { call_id: call.id }),
            ...(call.args_json !== undefined && { args_json: call.args_json }),
          }),
        ),
      );
    if (expected.usage !== undefined) expect(answer.usage).toEqual(expected.usage);
    // Never made up: a price when there were numbers, none when there were not.
    expect(answer.cost_usd).toBe(answer.usage === null ? null : costOf(model, answer.usage));
    if (expected.error_contains !== undefined) {
      const said = [answer.error ?? "", ...live.errors.map((error) => error.message)].join("\n").toLowerCase();
      expect(said).toContain(expected.error_contains.toLowerCase());
    }
    // The stream as the clients saw it is the answer as stored (unless a retry replaced it).
    if (expected.retried !== true && answer.status !== "error") {
      expect(live.text).toBe(textOf(answer.content));
      expect(live.refusal).toBe(
        partsOf(answer.content, "refusal")
          .map((part) => part.text)
          .join(""),
      );
      if (answer.status === "complete")
        expect(live.calls.map((call) => call.args)).toEqual(partsOf(answer.content, "tool_call").map((call) => call.args));
    }

    // 4. Secrets the provider echoed: nowhere.
    for (const secret of [...(expected.not_contains ?? []), key]) {
      expect(web.texts.join("\n"), "frames").not.toContain(secret);
      expect(JSON.stringify(rows), "rows").not.toContain(secret);
      expect(logs.lines.join("\n"), "logs").not.toContain(secret);
    }

    // 3. The next request: the turn's next model call, else the next user message's.
    if (!callsTools) {
      web.send({ type: "send", text: "next" });
      expect(await web.next("turn_end", 15_000)).toMatchObject({
        status: "completed",
        message: { content: [{ type: "text", text: "Next." }] },
      });
    } else {
      expect(end.status).toBe("completed");
    }
    const requests = await recordedRequests(simulatorUrl, key);
    const next = requests.at(-1);
    expect(next?.status, "the simulator accepted the next request").toBe(200);
    if (answer.status === "complete") expectReplayed(provider, next?.raw_body ?? "", answer);
    web.close();
  });
});
