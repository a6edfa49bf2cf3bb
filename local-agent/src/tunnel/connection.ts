/**
 * The agent's end of the tunnel: dial `/api/v1/agents/connect` with the agent token, register,
 * answer pings, hand calls to the dispatcher, and keep results that finish while the tunnel is
 * down until it is back. Reconnects with exponential backoff and full jitter; stops for good
 * only when the token is refused or revoked, another agent took the tunnel over with the same
 * token, or the Worker refuses its frames (a version skew).
 */
import {
  type AgentToWorker,
  PROTOCOL_VERSION,
  TUNNEL_CLOSE,
  type TunnelCallId,
  WorkerToAgentSchema,
  decodeFrame,
  encodeFrame,
  retryDelay,
} from "@maestro/protocol";
import WebSocket from "ws";
import type { Logger } from "../log.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { encodeForTunnel } from "./frame-limit.ts";

export type Registration = Omit<Extract<AgentToWorker, { type: "register" }>, "type" | "protocol_version" | "running">;

export interface ConnectionOptions {
  readonly url: string;
  readonly token: string;
  readonly registration: Registration;
  readonly log: Logger;
  /** Called once the tunnel is given up for good (token refused or revoked). */
  readonly onFatal: (reason: string) => void;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** No frame from the Worker for this long (it pings every 2 s) means the tunnel is dead. */
  readonly silenceLimitMs?: number;
  /** The jitter's source, in [0, 1); injected so tests can read exact delays. */
  readonly random?: () => number;
}

const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000 };
/**
 * Four missed pings (the Worker pings every 2 s and gives up on an agent silent for 6 s): a
 * network that dropped, or a laptop that woke from sleep, is noticed within seconds and the
 * agent dials again, so calls waiting for it resume at once.
 */
const DEFAULT_SILENCE_LIMIT_MS = 8_000;

export function tunnelUrl(base: string): string {
  const url = new URL("/api/v1/agents/connect", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class TunnelConnection {
  readonly #options: ConnectionOptions;
  #dispatcher: Dispatcher | undefined;
  #socket: WebSocket | undefined;
  #registered = false;
  #stopped = false;
  #attempt = 0;
  #registrations = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Results that finished while the tunnel was down, by call id, in order. */
  readonly #outbox = new Map<TunnelCallId, AgentToWorker>();
  #connectedWaiters: (() => void)[] = [];

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  start(dispatcher: Dispatcher): void {
    this.#dispatcher = dispatcher;
    this.#dial();
  }

  get connected(): boolean {
    return this.#registered;
  }

  /** How many times this agent has registered: 1 + the number of reconnects. */
  get registrations(): number {
    return this.#registrations;
  }

  /** Resolves once registered (now, if already). */
  whenConnected(): Promise<void> {
    if (this.#registered) return Promise.resolve();
    return new Promise((resolve) => this.#connectedWaiters.push(resolve));
  }

  /** Sends a frame; a result that cannot be sent now waits for the next connection. */
  send(frame: AgentToWorker): void {
    if (this.#registered && this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(encodeForTunnel(frame));
      return;
    }
    if (frame.type === "result") this.#outbox.set(frame.id, frame);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#silenceTimer);
    this.#socket?.close(1000, "agent stopping");
  }

  #dial(): void {
    const { log } = this.#options;
    const socket = new WebSocket(tunnelUrl(this.#options.url), {
      headers: { authorization: `Bearer ${this.#options.token}` },
      // No per-message compression: a tunnel frame is mostly a few hundred bytes of JSON, and ws
      // inflates every compressed one on libuv's thread pool (the one the file tools' own reads
      // wait for), which added ~0.2 ms to each call on loopback and several ms under load. The cost
      // is bandwidth on a large result over a slow uplink (results are at most 1 MiB).
      perMessageDeflate: false,
    });
    this.#socket = socket;
    socket.on("open", () => this.#register(socket));
    socket.on("message", (data: WebSocket.RawData) => this.#receive(socket, data));
    socket.on("unexpected-response", (_request, response) => {
      if (response.statusCode === 401) this.#giveUp("the Worker refused the agent token (wrong or revoked)");
      else log.warn("tunnel.refused", { status: response.statusCode });
      socket.terminate();
    });
    socket.on("error", (error) => log.warn("tunnel.error", { error: error.message }));
    socket.on("close", (code: number, reason: Buffer) => this.#closed(socket, code, reason.toString()));
  }

  #register(socket: WebSocket): void {
    const running = [...(this.#dispatcher?.running() ?? []), ...this.#outbox.keys()];
    socket.send(encodeFrame({ type: "register", protocol_version: PROTOCOL_VERSION, ...this.#options.registration, running }));
    this.#registered = true;
    this.#registrations += 1;
    this.#attempt = 0;
    this.#heard(socket);
    for (const frame of this.#outbox.values()) socket.send(encodeForTunnel(frame));
    this.#outbox.clear();
    this.#options.log.info("tunnel.connected", { url: this.#options.url, roots: this.#options.registration.roots.join(",") });
    for (const resolve of this.#connectedWaiters.splice(0)) resolve();
  }

  #receive(socket: WebSocket, data: WebSocket.RawData): void {
    this.#heard(socket);
    const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(new Uint8Array(data)).toString("utf8");
    const decoded = decodeFrame(WorkerToAgentSchema, text);
    if (!decoded.ok) {
      this.#options.log.warn("tunnel.bad_frame", { reason: decoded.error.message });
      return;
    }
    const frame = decoded.value;
    switch (frame.type) {
      case "ping":
        this.send({ type: "pong", nonce: frame.nonce });
        return;
      case "call":
        this.#dispatcher?.handle(frame);
        return;
      case "cancel":
        this.#dispatcher?.cancel(frame.id);
        return;
    }
  }

  /** Any frame proves the tunnel alive; silence past the limit means it died without a close. */
  #heard(socket: WebSocket): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => {
      this.#options.log.warn("tunnel.silent", { limit_ms: this.#options.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS });
      socket.terminate();
    }, this.#options.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS);
    this.#silenceTimer.unref();
  }

  #closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#registered = false;
    clearTimeout(this.#silenceTimer);
    if (this.#stopped) return;
    if (code === TUNNEL_CLOSE.revoked) return this.#giveUp("the agent token was revoked");
    // This process never replaces its own tunnel (it dials only once the old socket is gone), so
    // another agent holds the token; reconnecting would only push it off again, twice a second.
    if (code === TUNNEL_CLOSE.replaced) {
      return this.#giveUp(
        "another maestro-agent connected with the same agent token and took over; run one agent per token (create another agent for this machine)",
      );
    }
    // Sending the same frames again would be refused again: this agent needs an upgrade.
    if (code === TUNNEL_CLOSE.invalidFrame) return this.#giveUp(`the Worker refused this agent's frames (${reason}); update maestro-agent`);
    const delay = retryDelay(this.#attempt, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random ?? Math.random);
    this.#attempt += 1;
    this.#options.log.warn("tunnel.disconnected", { code, reason, retry_in_ms: delay });
    this.#retryTimer = setTimeout(() => this.#dial(), delay);
  }

  #giveUp(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#silenceTimer);
    this.#options.log.error("tunnel.stopped", { reason });
    this.#options.onFatal(reason);
  }
}
