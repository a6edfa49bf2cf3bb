// Proves: a script turn's `raw` body is played back exactly — one write per SSE event with CRLF
// kept, or byte pieces that split UTF-8 characters; the status, content type and headers asked
// for; then an end, a cut connection, or a connection left hanging — and the thinking signatures
// a recorded Anthropic body hands out are remembered like scripted ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerScript, scriptKey } from "./client.ts";
import type { TurnInput } from "./script.ts";
import { type Simulator, sseEventPieces, startSimulator } from "./server.ts";

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ checkHeaders: false });
});
afterAll(async () => {
  await simulator.close();
});

const CHAT_BODY = { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "hi" }] };

/** Registers one raw turn and asks for it over Chat Completions. */
async function playRawTurn(raw: NonNullable<TurnInput["raw"]>, signal?: AbortSignal): Promise<Response> {
  const key = scriptKey("raw");
  await registerScript(simulator.url, key, [{ raw }]);
  return fetch(`${simulator.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(CHAT_BODY),
    ...(signal && { signal }),
  });
}

/** Every chunk the client read, as bytes. */
async function chunksOf(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));

const CRLF_STREAM =
  ": keep-alive comment\r\n\r\n" +
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Grüß "}}]}\r\n\r\n' +
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"dich 🌍"},"finish_reason":"stop"}]}\r\n\r\n' +
  "data: [DONE]\r\n\r\n";

describe("raw playback", () => {
  it("splits SSE events on blank lines, keeping every byte (LF, CRLF, CR, a trailing partial event)", () => {
    expect(sseEventPieces("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d")).toEqual([
      "data: a\n\n",
      "data: b\r\n\r\n",
      "data: c\r\r",
      "data: d",
    ]);
    expect(sseEventPieces(CRLF_STREAM).join("")).toBe(CRLF_STREAM);
    expect(sseEventPieces(CRLF_STREAM)).toHaveLength(4);
  });

  it("frames mode: one write per event, CRLF kept, as text/event-stream", async () => {
    const response = await playRawTurn({ body: CRLF_STREAM, chunk_delay_ms: 40 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const chunks = await chunksOf(response);
    expect(joined(chunks).toString("utf8")).toBe(CRLF_STREAM);
    expect(chunks.map((chunk) => Buffer.from(chunk).toString("utf8"))).toEqual(sseEventPieces(CRLF_STREAM));
  });

  it("bytes mode: the UTF-8 bytes arrive identical, in pieces that split multi-byte characters", async () => {
    const response = await playRawTurn({ body: CRLF_STREAM, mode: "bytes", chunk_bytes: 5, chunk_delay_ms: 5 });
    const chunks = await chunksOf(response);
    expect(joined(chunks).equals(Buffer.from(CRLF_STREAM, "utf8"))).toBe(true);
    expect(chunks.every((chunk) => chunk.byteLength <= 5)).toBe(true);
    const decodes = (chunk: Uint8Array) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(chunk);
        return true;
      } catch {
        return false;
      }
    };
    expect(chunks.some((chunk) => !decodes(chunk))).toBe(true);
  });

  it("answers an error status as JSON, with the headers asked for", async () => {
    const body = '{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}';
    const response = await playRawTurn({ body, status: 429, headers: { "Retry-After": "0", "x-request-id": "req_raw" } });
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("retry-after")).toBe("0");
    expect(response.headers.get("x-request-id")).toBe("req_raw");
    expect(await response.text()).toBe(body);
  });

  it("cut: the body arrives, then the connection drops without ending it", async () => {
    const response = await playRawTurn({ body: 'data: {"choices":[{"index":0,"delta":{"content":"Hal"}}]}\n\n', end: "cut" });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const received: Uint8Array[] = [];
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received.push(value);
      }
    })().catch((error: unknown) => error);
    expect(joined(received).toString("utf8")).toContain('"Hal"');
    expect(failure).toBeInstanceOf(Error);
  });

  it("hang: the body arrives, then nothing, with the connection kept open until the client goes", async () => {
    const controller = new AbortController();
    const body = 'data: {"choices":[{"index":0,"delta":{"content":"Wait"}}]}\n\n';
    const response = await playRawTurn({ body, end: "hang" }, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value ?? new Uint8Array()).toString("utf8")).toBe(body);
    const next = reader.read().then(
      (result) => (result.done ? "ended" : "more"),
      () => "failed",
    );
    const outcome = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve("still open"), 400))]);
    expect(outcome).toBe("still open");
    controller.abort();
    expect(await next).toBe("failed");
  });

  it("hang: closing the simulator ends a hanging response instead of waiting for it", async () => {
    const own = await startSimulator({ checkHeaders: false });
    const key = scriptKey("hang");
    await registerScript(own.url, key, [{ raw: { body: "data: {}\n\n", end: "hang" } }]);
    const response = await fetch(`${own.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(CHAT_BODY),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(reader.read()).rejects.toThrow();
  });

  it("remembers the thinking a recorded Anthropic stream hands out, and checks it when sent back", async () => {
    const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    const recorded = [
      event("message_start", {
        type: "message_start",
        message: { id: "msg_1", type: "message", role: "assistant", content: [], usage: { input_tokens: 5, output_tokens: 1 } },
      }),
      event("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Recorded " } }),
      event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "thought." } }),
      event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "signature_delta", signature: "sim-recorded-sig" },
      }),
      event("content_block_stop", { type: "content_block_stop", index: 0 }),
      event("message_stop", { type: "message_stop" }),
    ].join("");
    const key = scriptKey("raw-thinking");
    await registerScript(simulator.url, key, [{ raw: { body: recorded } }, { steps: [{ kind: "text", text: "ok" }] }]);
    const ask = (thinking: string) =>
      fetch(`${simulator.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 1024,
          thinking: { type: "enabled", budget_tokens: 1024 },
          messages: [
            { role: "user", content: "hi" },
            {
              role: "assistant",
              content: [
                { type: "thinking", thinking, signature: "sim-recorded-sig" },
                { type: "text", text: "Hello." },
              ],
            },
            { role: "user", content: "and?" },
          ],
        }),
      });
    const first = await fetch(`${simulator.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(await first.text()).toBe(recorded);
    const altered = await ask("Recorded thought!");
    expect(altered.status).toBe(400);
    await altered.text();
    const exact = await ask("Recorded thought.");
    expect(exact.status).toBe(200);
    await exact.text();
  });
});
