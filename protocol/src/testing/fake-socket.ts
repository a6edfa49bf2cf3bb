/** A WebSocket stand-in for the client tests: records what is sent, and is opened, fed and closed by hand. */
import type { SocketLike } from "../client/reconnecting-socket.ts";

type Listener = (event: { data?: unknown; code?: number }) => void;

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  readonly url: string;
  readonly protocols: string[];
  readonly #listeners = new Map<string, Listener[]>();

  constructor(url: string, protocols: string[]) {
    this.url = url;
    this.protocols = protocols;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.readyState = 3;
    this.#emit("close", { code });
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  open(): void {
    this.readyState = 1;
    this.#emit("open", {});
  }

  /** A failed open as Node's WebSocket reports it: "error" alone, no "close". */
  fail(): void {
    this.#emit("error", {});
  }

  deliver(frame: unknown): void {
    this.#emit("message", { data: JSON.stringify(frame) });
  }

  #emit(type: string, event: { data?: unknown; code?: number }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** A socket factory that keeps every socket it made, newest last. */
export function fakeSockets(): { sockets: FakeSocket[]; factory: (url: string, protocols: string[]) => FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
  };
}
