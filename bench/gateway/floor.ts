/**
 * The runtime's floor (issue 15): a Worker that does only what any relay of a model's stream on
 * workerd must do — a hibernatable socket per session, held by a Durable Object of its own and
 * routed through the Worker; on `send`, one `fetch` of the upstream's Chat Completions stream; one
 * JSON frame per upstream read; `turn_end` when the body ends. No storage, no parsing, no state.
 *
 * It answers the part of The Maestro's session socket that bench:gateway's client speaks (`hello`
 * → a snapshot, `send` → event frames → `turn_end`), and `POST …/messages` as server-sent events
 * (the same frames, the request passed to the session's object and its streamed response back), so
 * the floor and The Maestro are timed by the same client code in the same run: what the floor adds
 * above direct is workerd's, and what The Maestro adds above the floor is The Maestro's.
 * bench/relay-floor.ts runs it alone, at scale.
 *
 * Like The Maestro's, the Worker serves static assets and runs first only for its API (and the
 * health check): every HTTP request then passes workerd's asset router before the Worker, which
 * costs a POST 0.3–0.7 ms on this project's machines and a socket's frames nothing (issue 15,
 * fifteenth round). Without it the floor's SSE route would be quicker than any Worker that serves
 * its own web UI can be.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../worker/local/free-port.ts";
import { startWrangler, waitForHealth } from "../../worker/local/wrangler.ts";
import { workerProcess } from "./workerd.ts";

const HEALTH = "relay floor";

/** The whole relay. UPSTREAM is the Chat Completions URL; the text of `send` becomes the user's message. */
const WORKER = `
import { DurableObject } from "cloudflare:workers";
const TURN_ID = "6f1c2b1e-8d2a-4c53-9a55-0d6a3e3c2f10";
export class Relay extends DurableObject {
  async fetch(request) {
    if (request.method === "POST") return this.#answerAsEvents(await request.json());
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  async webSocketMessage(socket, message) {
    const frame = JSON.parse(String(message));
    if (frame.type === "hello") return socket.send('{"type":"snapshot"}');
    if (frame.type === "send") await this.#relay(frame.text, (text) => socket.send(text));
  }
  /** POST …/messages with Accept: text/event-stream: the same frames, each as an SSE message. */
  #answerAsEvents(body) {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const send = (text) => void writer.write(encoder.encode("data: " + text + "\\n\\n"));
    void this.#relay(body.text, send).then(() => writer.close(), (error) => writer.abort(error));
    return new Response(readable, { headers: { "content-type": "text/event-stream" } });
  }
  async #relay(text, send) {
    const response = await fetch(this.env.UPSTREAM, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer bench" },
      body: JSON.stringify({ model: "gpt-4.1", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: text }] }),
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let seq = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      send(JSON.stringify({ type: "event", turn_id: TURN_ID, event: { type: "text_delta", text: decoder.decode(value, { stream: true }) }, seq: ++seq }));
    }
    send('{"type":"turn_end","status":"completed"}');
  }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") return new Response(${JSON.stringify(HEALTH)});
    const session = /^\\/api\\/v1\\/sessions\\/([^/]+)\\/(socket|messages)$/.exec(url.pathname);
    if (session === null) return new Response("not found", { status: 404 });
    return env.RELAY.get(env.RELAY.idFromName(session[1])).fetch(request);
  },
};
`;

const CONFIG = `name = "relay-floor"
main = "worker.js"
compatibility_date = "2026-11-09"
compatibility_flags = ["nodejs_compat"]
[[durable_objects.bindings]]
name = "RELAY"
class_name = "Relay"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Relay"]
[assets]
directory = "./public"
not_found_handling = "single-page-application"
run_worker_first = ["/api/*", "/health"]
`;

export interface RelayFloor {
  /** Where workerd serves the floor's Worker itself (past wrangler dev's proxy, as for The Maestro). */
  readonly origin: string;
  /** wrangler dev's proxy in front of it (dev only), where bench/stream-load.ts reaches The Maestro. */
  readonly proxyOrigin: string;
  /** The workerd that runs the floor's Worker. */
  readonly pid: number;
  readonly stop: () => Promise<void>;
}

const servesTheFloor = (origin: string) =>
  fetch(`${origin}/health`).then(
    async (response) => response.ok && (await response.text()) === HEALTH,
    () => false,
  );

/** Starts the floor under its own `wrangler dev`, relaying `upstreamUrl` (a Chat Completions URL). */
export async function startRelayFloor(upstreamUrl: string): Promise<RelayFloor> {
  const folder = mkdtempSync(join(tmpdir(), "maestro-relay-floor-"));
  writeFileSync(join(folder, "worker.js"), WORKER);
  mkdirSync(join(folder, "public"));
  writeFileSync(join(folder, "public", "index.html"), "<!doctype html><title>relay floor</title>");
  writeFileSync(join(folder, "wrangler.toml"), CONFIG);
  const port = await freePort();
  const wrangler = startWrangler({
    name: "relay-floor",
    port,
    cwd: folder,
    vars: { UPSTREAM: upstreamUrl },
    show: () => false,
  });
  const stop = async () => {
    await wrangler.stop();
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const proxyOrigin = `http://127.0.0.1:${port}`;
    await waitForHealth(`${proxyOrigin}/health`, wrangler);
    const found = await workerProcess(proxyOrigin, servesTheFloor);
    if (found === undefined) throw new Error("could not find the port where workerd serves the relay floor itself");
    return { origin: found.origin, proxyOrigin, pid: found.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
