/**
 * The clients of bench/gateway.ts: one streamed answer read through each system, timed in
 * `performance.timeOrigin + performance.now()` milliseconds like the upstream's stamps.
 */
import type { SessionId } from "@maestro/protocol";
import { WebSocket } from "ws";
import type { ChatMessage } from "./history.ts";
import { now, stampsIn } from "./upstream.ts";

/** How long a client waits for a whole answer before it counts as an error (a stuck turn must not hang the run). */
export const ANSWER_TIMEOUT_MS = 300_000;

/** One streamed answer as a client saw it. */
export interface Reading {
  readonly startedAt: number;
  /** When the upstream received the request (stamped into the first token). */
  arrivedAt?: number;
  firstSentAt?: number;
  firstReceivedAt?: number;
  lastSentAt?: number;
  lastReceivedAt?: number;
  /** The end of the answer: `[DONE]` for a Chat Completions stream, `turn_end` for The Maestro. */
  endAt?: number;
  tokens: number;
  /** Receive − send of every token, ms. */
  readonly delivery: number[];
  /** When the upstream sent each token (the same order as delivery). */
  readonly sentAt: number[];
  error?: string;
}

function reading(): Reading {
  return { startedAt: now(), tokens: 0, delivery: [], sentAt: [] };
}

/** Records the stamped tokens in a piece of text that reached the client. */
function received(into: Reading, text: string): void {
  const at = now();
  for (const stamp of stampsIn(text)) {
    if (stamp.arrivedAt !== undefined) into.arrivedAt = stamp.arrivedAt;
    if (into.firstReceivedAt === undefined) {
      into.firstReceivedAt = at;
      into.firstSentAt = stamp.sentAt;
    }
    into.lastReceivedAt = at;
    into.lastSentAt = stamp.sentAt;
    into.tokens += 1;
    into.delivery.push(at - stamp.sentAt);
    into.sentAt.push(stamp.sentAt);
  }
}

/** Server-sent events from a response body, as (event name, data) pairs. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { event, data: data.join("\n") };
      end = buffer.indexOf("\n\n");
    }
  }
}

/** A Chat Completions stream read straight from `baseUrl` (the upstream, or a gateway in front of it). */
export async function chatCompletion(
  baseUrl: string,
  headers: Record<string, string>,
  text: string,
  history: readonly ChatMessage[] = [],
): Promise<Reading> {
  const into = reading();
  try {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: "POST",
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      headers: { "content-type": "application/json", authorization: "Bearer bench", ...headers },
      body: JSON.stringify({
        model: "gpt-4.1",
        stream: true,
        stream_options: { include_usage: true },
        messages: [...history, { role: "user", content: text }],
      }),
    });
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
    for await (const { data } of serverSentEvents(response.body)) {
      if (data === "[DONE]") {
        into.endAt = now();
        continue;
      }
      const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
      const content = chunk.choices?.[0]?.delta?.content;
      if (content !== undefined && content.length > 0) received(into, content);
    }
    if (into.endAt === undefined) throw new Error("the stream ended without [DONE]");
  } catch (error) {
    into.error = String(error);
  }
  return into;
}

interface Frame {
  type: string;
  status?: string;
  event?: { type: string; text?: string };
}

/** One frame of a Maestro turn into a reading; true once the turn has ended. */
function maestroFrame(into: Reading, frame: Frame): boolean {
  if (frame.type === "event" && frame.event?.type === "text_delta" && frame.event.text !== undefined) received(into, frame.event.text);
  if (frame.type === "error") {
    // Refused (the session busy, the send malformed…): no turn_end will follow for this send.
    into.error = `error frame: ${JSON.stringify(frame).slice(0, 200)}`;
    return true;
  }
  if (frame.type === "turn_end") {
    into.endAt = now();
    if (frame.status !== "completed") into.error = `turn ended ${frame.status ?? "?"}`;
    return true;
  }
  return false;
}

/** A session socket (hello, then a turn at a time: send, frames until turn_end). */
export async function maestroSocket(origin: string, token: string, sessionId: SessionId) {
  const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let onFrame: (frame: Frame) => void = () => undefined;
  let onClose: (reason: string) => void = () => undefined;
  socket.on("message", (data: Buffer) => onFrame(JSON.parse(data.toString("utf8")) as Frame));
  socket.on("close", (code) => onClose(`socket closed (${code})`));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  await new Promise<void>((resolve) => {
    onFrame = (frame) => {
      if (frame.type === "snapshot") resolve();
    };
    socket.send(JSON.stringify({ type: "hello", protocol_version: 1, client: "api" }));
  });
  const turn = (text: string) =>
    new Promise<Reading>((resolve) => {
      const into = reading();
      const timer = setTimeout(() => {
        into.error = `no turn_end after ${ANSWER_TIMEOUT_MS / 1000} s`;
        done();
      }, ANSWER_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        onFrame = () => undefined;
        onClose = () => undefined;
        resolve(into);
      };
      onFrame = (frame) => {
        if (maestroFrame(into, frame)) done();
      };
      onClose = (reason) => {
        into.error = reason;
        done();
      };
      socket.send(JSON.stringify({ type: "send", text }));
    });
  /** Someone is writing a message (the web UI and the TUI send this while the user types). */
  const prepare = () => socket.send(JSON.stringify({ type: "prepare" }));
  return { turn, prepare, close: () => socket.close() };
}

/** One turn through `POST /sessions/:id/messages` answered as server-sent events. */
export async function maestroSse(origin: string, token: string, sessionId: SessionId, text: string): Promise<Reading> {
  const into = reading();
  try {
    const response = await fetch(`${origin}/api/v1/sessions/${sessionId}/messages`, {
      method: "POST",
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ text }),
    });
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
    for await (const { data } of serverSentEvents(response.body)) {
      if (maestroFrame(into, JSON.parse(data) as Frame)) break;
    }
    if (into.endAt === undefined && into.error === undefined) throw new Error("the stream ended without turn_end");
  } catch (error) {
    into.error = String(error);
  }
  return into;
}
