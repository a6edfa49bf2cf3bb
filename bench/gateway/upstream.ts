/**
 * A loopback OpenAI-compatible upstream for bench/gateway.ts, run as its own process so the
 * clients' event loop cannot delay its chunks. It answers `POST …/chat/completions` with a Chat
 * Completions stream as the API sends it: a role chunk, one chunk per token, a finish chunk, a
 * usage chunk when `stream_options.include_usage`, then `data: [DONE]`.
 *
 * The last user message says what to stream: `bench-<tokens>x<spacing ms>` (`bench-200x20`: 200
 * tokens, one every 20 ms; the first goes at once), and optionally how long the model reads its
 * prompt before it answers (`bench-200x0w50`: the response starts 50 ms after the request
 * arrived, as a real model's does), so one credential serves every plan. Each token's text
 * carries the time it was sent, ` t<index>@<ms>`, and the first also when the request arrived,
 * body and all (`#<ms>`), in `performance.timeOrigin + performance.now()` milliseconds, which
 * other processes on the machine can compare with their own; the text survives any relay, so a
 * client can tell how long each token took to reach it. (The provider simulator under
 * worker/test/simulators plays registered scripts from the clients' process and does not stamp
 * chunks, so it does not fit here.)
 *
 *   tsx bench/gateway/upstream.ts   → prints `listening <port>` once it is ready
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export const now = () => performance.timeOrigin + performance.now();

interface ChatBody {
  model?: string;
  messages?: { role?: string; content?: unknown }[];
  stream_options?: { include_usage?: boolean };
}

/** What a request asks the upstream to stream (its last user message names the plan). */
export function planOf(body: ChatBody): { tokens: number; spacingMs: number; thinkMs: number } | undefined {
  const last = body.messages?.findLast((message) => message.role === "user")?.content;
  const match = typeof last === "string" ? /^bench-(\d+)x(\d+)(?:w(\d+))?$/.exec(last.trim()) : null;
  return match === null ? undefined : { tokens: Number(match[1]), spacingMs: Number(match[2]), thinkMs: Number(match[3] ?? 0) };
}

/** The message that asks for `tokens` tokens, `spacingMs` apart, the first `thinkMs` after the request. */
export const planText = (tokens: number, spacingMs: number, thinkMs = 0) =>
  `bench-${tokens}x${spacingMs}${thinkMs > 0 ? `w${thinkMs}` : ""}`;

const STAMP = /t(\d+)@(\d+(?:\.\d+)?)(?:#(\d+(?:\.\d+)?))?/g;

/** The stamps in a piece of streamed text: each token's index and send time, and when the request arrived. */
export function stampsIn(text: string): { index: number; sentAt: number; arrivedAt?: number }[] {
  return [...text.matchAll(STAMP)].map((match) => ({
    index: Number(match[1]),
    sentAt: Number(match[2]),
    ...(match[3] !== undefined && { arrivedAt: Number(match[3]) }),
  }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  // The request has arrived once its body has: a sender that writes the body after its headers
  // keeps the upstream waiting, and that wait is the sender's, not the upstream's.
  const text = request.method === "POST" ? await readBody(request) : "";
  const arrivedAt = now();
  const body = text === "" ? {} : (JSON.parse(text) as ChatBody);
  const plan = planOf(body);
  if (!(request.url ?? "").endsWith("/chat/completions") || plan === undefined) {
    const error = { message: "POST …/chat/completions with a last user message `bench-<tokens>x<ms>`", type: "invalid_request_error" };
    response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    return;
  }
  if (plan.thinkMs > 0) await sleep(plan.thinkMs);
  if (response.destroyed) return;
  const id = `chatcmpl-bench${crypto.randomUUID().slice(0, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body.model ?? "bench";
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    response.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: null, choices, ...extra })}\n\n`,
    );
  const delta = (value: Record<string, unknown>, finish: string | null = null) =>
    send([{ index: 0, delta: value, logprobs: null, finish_reason: finish }]);
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
  response.flushHeaders();
  delta({ role: "assistant", content: "", refusal: null });
  for (let index = 0; index < plan.tokens; index += 1) {
    if (index > 0 && plan.spacingMs > 0) await sleep(plan.spacingMs);
    if (response.destroyed) return;
    const sentAt = now();
    delta({ content: ` t${index}@${sentAt.toFixed(3)}${index === 0 ? `#${arrivedAt.toFixed(3)}` : ""}` });
  }
  delta({}, "stop");
  if (body.stream_options?.include_usage === true)
    send([], { usage: { prompt_tokens: 10, completion_tokens: plan.tokens, total_tokens: 10 + plan.tokens } });
  response.end("data: [DONE]\n\n");
}

/** The upstream's server on a free 127.0.0.1 port (a test runs it in-process; the bench in a child). */
export function startUpstreamServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => response.destroy(error as Error));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`, server });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startUpstreamServer();
  process.stdout.write(`listening ${new URL(url).port}\n`);
  process.on("SIGTERM", () => process.exit(0));
}
