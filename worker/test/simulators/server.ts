/**
 * The provider simulator: one loopback HTTP server that answers like Anthropic, OpenAI (Chat
 * Completions and Responses) and Gemini, from scripted turns. A test registers a script under an
 * API key (POST /__sim/scripts); requests made with that key play its turns in order. Every
 * request is recorded (GET /__sim/requests?key=…) and, unless turned off, checked against the
 * captured headers of the reference apps: a mismatch is answered with 400. It is pessimistic:
 * a body the real API refuses (src/providers/wire-rules.ts), or a thinking signature it never
 * handed to the key, gets the real API's 400 instead of an answer. A script can set the model's
 * context window: a request estimated above it gets the provider's own "too long" answer
 * (context-window.ts). GET /__sim/blob serves large deterministic text for tool-output tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WIRE_CHECKERS } from "../../src/providers/wire-rules.ts";
import { anthropicFormat } from "./anthropic-format.ts";
import { MAX_BLOB_BYTES, blobText } from "./blob.ts";
import type { RecordedRequest } from "./client.ts";
import { measureRequest } from "./context-window.ts";
import { headerDifferences } from "./fidelity.ts";
import type { Endpoint } from "./fidelity-endpoints.ts";
import { geminiFormat } from "./gemini-format.ts";
import { openaiFormat } from "./openai-format.ts";
import { openaiResponsesFormat } from "./openai-responses-format.ts";
import {
  type Measured,
  type Raw,
  RawSchema,
  type Script,
  type Turn,
  type TurnInput,
  ScriptSchema,
  TurnSchema,
  resolveTurn,
} from "./script.ts";
import type { IssuedSignature, RenderContext, WireFormat } from "./wire-format.ts";
import { isSummaryRequest } from "./summary-ask.ts";

/** Makes up a turn for a key that has no script (demo mode); the key can pick a behaviour (demo-brain.ts). */
export type Brain = (endpoint: Endpoint, body: unknown, key: string) => TurnInput;

export interface SimulatorOptions {
  readonly port?: number;
  /** Refuse requests whose headers differ from the captured reference (default true). */
  readonly checkHeaders?: boolean;
  /** Refuse bodies the real API refuses, and thinking signatures never handed out (default true). */
  readonly checkHistory?: boolean;
  readonly brain?: Brain;
}

export interface Simulator {
  readonly url: string;
  close(): Promise<void>;
}

const FORMATS: Record<Endpoint, WireFormat> = {
  anthropic: anthropicFormat,
  openai: openaiFormat,
  openai_responses: openaiResponsesFormat,
  // Codex speaks the Responses API's events; only its endpoint and headers differ.
  codex: openaiResponsesFormat,
  gemini: geminiFormat,
};

interface Route {
  readonly endpoint: Endpoint;
  readonly model: (body: Record<string, unknown>) => string;
  /** Which script answers: usually the API key; `hasScript` lets a route prefer a steadier one. */
  readonly key: (request: IncomingMessage, hasScript: (key: string) => boolean) => string | undefined;
}

const bodyModel = (body: Record<string, unknown>) => (typeof body.model === "string" ? body.model : "unknown");
const bearer = (request: IncomingMessage) => request.headers.authorization?.replace(/^Bearer /, "");

function routeOf(path: string): Route | undefined {
  // llxprt's SDK sends x-api-key; newer Anthropic SDKs send a bearer token.
  if (path === "/v1/messages")
    return { endpoint: "anthropic", model: bodyModel, key: (request) => header(request, "x-api-key") ?? bearer(request) };
  if (path === "/v1/chat/completions") return { endpoint: "openai", model: bodyModel, key: bearer };
  if (path === "/v1/responses") return { endpoint: "openai_responses", model: bodyModel, key: bearer };
  if (path === "/backend-api/codex/responses") {
    // An OAuth access token changes at every refresh; the account it belongs to does not.
    const key = (request: IncomingMessage, hasScript: (key: string) => boolean) => {
      const account = header(request, "chatgpt-account-id");
      return account !== undefined && hasScript(account) ? account : bearer(request);
    };
    return { endpoint: "codex", model: bodyModel, key };
  }
  const gemini = path.match(/^\/v1beta\/models\/([^/:]+):streamGenerateContent$/);
  if (gemini?.[1] !== undefined) {
    const model = decodeURIComponent(gemini[1]);
    return { endpoint: "gemini", model: () => model, key: (request) => header(request, "x-goog-api-key") };
  }
  return undefined;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rawHeaders(request: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2)
    pairs.push([request.rawHeaders[index] ?? "", request.rawHeaders[index + 1] ?? ""]);
  return pairs;
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const parseJson = (text: string): unknown => (text.length === 0 ? undefined : (JSON.parse(text) as unknown));

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ── Recorded bodies ───────────────────────────────────────────────────────────────────────
// A script turn's `raw` (test/fixtures/streams/README.md) is played back exactly: the same bytes,
// one SSE event per write or fixed-size byte pieces that split lines and UTF-8 characters, then
// ended, cut or left hanging.

/** A blank line ends an SSE event; CR, LF and CRLF all end a line (WHATWG HTML §9.2.5). */
const EVENT_END = /(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r(?!\n)|\n)/g;

/** The body's events, each with the blank line that ends it; joined they are the body again. */
export function sseEventPieces(body: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (const match of body.matchAll(EVENT_END)) {
    const end = match.index + match[0].length;
    pieces.push(body.slice(start, end));
    start = end;
  }
  if (start < body.length) pieces.push(body.slice(start));
  return pieces;
}

function bytePieces(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) pieces.push(bytes.subarray(offset, offset + size));
  return pieces;
}

/** The client went away (or the server dropped the connection). */
const gone = (response: ServerResponse) => response.destroyed || response.socket === null || response.socket.destroyed;

/** Resolves once the piece is handed to the socket, or the socket is gone. */
const write = (response: ServerResponse, piece: Buffer) => new Promise<void>((resolve) => response.write(piece, () => resolve()));

export async function playRaw(response: ServerResponse, raw: Raw): Promise<void> {
  const headers: Record<string, string> = { "content-type": raw.status === 200 ? "text/event-stream" : "application/json" };
  for (const [name, value] of Object.entries(raw.headers)) headers[name.toLowerCase()] = value;
  response.writeHead(raw.status, headers);
  response.flushHeaders();
  const pieces =
    raw.mode === "frames"
      ? sseEventPieces(raw.body).map((piece) => Buffer.from(piece, "utf8"))
      : bytePieces(Buffer.from(raw.body, "utf8"), raw.chunk_bytes);
  for (const [index, piece] of pieces.entries()) {
    if (gone(response)) return;
    await write(response, piece);
    if (raw.chunk_delay_ms > 0 && index < pieces.length - 1) await pause(raw.chunk_delay_ms);
  }
  switch (raw.end) {
    case "close":
      response.end();
      return;
    case "cut":
      // Let what was written reach the client, then drop the connection without ending the body.
      await pause(20);
      response.socket?.destroy();
      return;
    case "hang":
      // Nothing more, until the client goes away or the server closes its connections.
      if (!gone(response)) await new Promise((resolve) => response.once("close", resolve));
      return;
  }
}

async function play(response: ServerResponse, format: WireFormat, turn: Turn, context: RenderContext, measured?: Measured): Promise<void> {
  if (turn.raw !== undefined) {
    for (const signature of format.signaturesIn?.(turn.raw.body) ?? []) context.issue(signature);
    return playRaw(response, turn.raw);
  }
  const failure = turn.failure;
  if (failure?.kind === "http") {
    const type =
      failure.error_type ?? (failure.status === 429 ? "rate_limit_error" : failure.status >= 500 ? "api_error" : "invalid_request_error");
    return sendJson(
      response,
      failure.status,
      format.errorBody(failure.status, type),
      failure.retry_after === undefined ? {} : { "retry-after": String(failure.retry_after) },
    );
  }
  if (failure?.kind === "overloaded" && !failure.mid_stream) {
    return sendJson(response, format.overloadedStatus, format.errorBody(format.overloadedStatus, "overloaded_error"));
  }
  const frames = format.render(resolveTurn(turn, context.key, measured), context);
  if (turn.think_ms > 0) await pause(turn.think_ms);
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": `req_sim_${crypto.randomUUID()}`,
  });
  for (const [index, frame] of frames.entries()) {
    if (failure?.kind === "cut" && index === failure.after_chunks) {
      // Let what was written reach the client first, then drop the connection mid-stream.
      await new Promise<void>((resolve) => response.write("", () => resolve()));
      await pause(20);
      response.socket?.destroy();
      return;
    }
    if (failure?.kind === "malformed" && index === failure.after_chunks) {
      response.end('data: {"type": "content_block_delta", "index": 0, "delta": {\n\n');
      return;
    }
    if (failure?.kind === "overloaded" && index === Math.floor(frames.length / 2) && format.midStreamError !== undefined) {
      response.end(format.midStreamError());
      return;
    }
    response.write(frame);
    if (turn.chunk_delay_ms > 0) await pause(turn.chunk_delay_ms);
  }
  response.end();
}

/** GET /__sim/blob?bytes=N&seed=S: exactly N bytes of deterministic text (blob.ts). */
function sendBlob(response: ServerResponse, url: URL): void {
  const bytes = Number(url.searchParams.get("bytes") ?? "");
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BLOB_BYTES)
    return sendJson(response, 400, { error: { message: `bytes must be an integer from 0 to ${MAX_BLOB_BYTES}` } });
  const body = Buffer.from(blobText(bytes, url.searchParams.get("seed") ?? "0"), "utf8");
  response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length) });
  response.end(body);
}

/** The session's summary request (worker/src/session/compaction.ts summaryRequest), answered with a short made-up summary. */

function summaryTurn(body: unknown): Turn | undefined {
  if (!isSummaryRequest(body)) return undefined;
  const text = JSON.stringify(body);
  const mentions = [...text.matchAll(/turn (\d+)/g)].map((match) => match[1]);
  return TurnSchema.parse({
    steps: [
      {
        kind: "text",
        text: `Summary: the person and the model worked through turns ${mentions.at(0) ?? "?"} to ${mentions.at(-1) ?? "?"}.`,
      },
    ],
    usage: "measured",
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const scripts = new Map<string, Script>();
  /** Per key: the prompt text of the last request that played a turn, for the cached part of measured usage. */
  const prompts = new Map<string, string>();
  const recorded = new Map<string, RecordedRequest[]>();
  /** Per key: every signature handed out, with the texts it signed. */
  const signatures = new Map<string, Map<string, Set<string>>>();
  const issueTo =
    (key: string) =>
    ({ signature, text }: IssuedSignature) => {
      const issued = signatures.get(key) ?? new Map<string, Set<string>>();
      signatures.set(key, issued);
      issued.set(signature, (issued.get(signature) ?? new Set()).add(text));
    };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/__sim/scripts" && request.method === "POST") {
      const script = ScriptSchema.parse(parseJson(await readText(request)));
      scripts.set(script.key, script);
      recorded.delete(script.key);
      signatures.delete(script.key);
      prompts.delete(script.key);
      return sendJson(response, 201, { key: script.key, turns: script.turns.length });
    }
    if (url.pathname === "/__sim/requests" && request.method === "GET") {
      return sendJson(response, 200, { requests: recorded.get(url.searchParams.get("key") ?? "") ?? [] });
    }
    if (url.pathname === "/__sim/blob" && request.method === "GET") return sendBlob(response, url);
    const route = request.method === "POST" ? routeOf(url.pathname) : undefined;
    if (route === undefined)
      return sendJson(response, 404, { error: { message: `no simulated endpoint ${request.method} ${url.pathname}` } });

    const format = FORMATS[route.endpoint];
    const text = await readText(request);
    const body = (parseJson(text) ?? {}) as Record<string, unknown>;
    const key = route.key(request, (candidate) => scripts.has(candidate)) ?? "";
    const model = route.model(body);
    const log = recorded.get(key) ?? [];
    log.push({
      endpoint: route.endpoint,
      path: `${url.pathname}${url.search}`,
      headers: rawHeaders(request),
      body,
      raw_body: text,
      // Read when the record is fetched: whatever this request was answered with by then.
      get status() {
        return response.headersSent ? response.statusCode : undefined;
      },
    });
    recorded.set(key, log);
    const keep = scripts.get(key)?.keep_bodies;
    const stale = keep === undefined ? undefined : log[log.length - 1 - keep];
    if (stale !== undefined) Object.assign(stale, { body: null, raw_body: "" });

    if (options.checkHeaders !== false) {
      const differences = headerDifferences(route.endpoint, rawHeaders(request), { model });
      if (differences.length > 0) return sendJson(response, 400, format.errorBody(400, `fidelity_mismatch: ${differences.join("; ")}`));
    }
    const script = scripts.get(key);
    const queue = script?.turns;
    // An unknown key is refused before its body is looked at, as the real APIs do.
    if (queue === undefined && options.brain === undefined) return sendJson(response, 401, format.errorBody(401, "authentication_error"));
    if (options.checkHistory !== false) {
      // The first violation, as the API reports one; a refused request plays no scripted turn.
      const [violation] = [
        ...WIRE_CHECKERS[route.endpoint](body, { model }),
        ...(format.verifySignatures?.(body, signatures.get(key) ?? new Map(), key) ?? []),
      ];
      if (violation !== undefined) return sendJson(response, 400, format.invalidRequestBody(violation));
    }
    const measured = measureRequest(route.endpoint, body, prompts.get(key));
    // Over the model's window: the provider's own answer, and the scripted turn waits for the next request.
    if (script?.context_window !== undefined && measured.input_tokens > script.context_window)
      return playRaw(response, RawSchema.parse(format.contextWindowExceeded(measured.input_tokens, script.context_window, { model })));
    const summary = script?.answer_summaries === true ? summaryTurn(body) : undefined;
    let turn: Turn | undefined = summary ?? queue?.shift();
    if (turn === undefined && queue === undefined && options.brain !== undefined)
      turn = TurnSchema.parse(options.brain(route.endpoint, body, key));
    if (turn === undefined) return sendJson(response, 500, format.errorBody(500, "script_exhausted"));
    if (turn.usage === undefined && script?.usage === "measured") turn = { ...turn, usage: "measured" };
    prompts.set(key, measured.prompt);
    await play(response, format, turn, { model, key, request: body, issue: issueTo(key) }, measured);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { error: { message: error instanceof Error ? error.message : "simulator error" } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("simulator has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
