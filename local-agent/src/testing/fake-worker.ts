/**
 * A stand-in for the Worker's end of the tunnel, on loopback, for the agent's own tests: it
 * accepts (or refuses, with an HTTP status) the agent's upgrade, decodes what the agent sends,
 * and lets a test send frames, close with a code, or drop the connection from the server side.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { Duplex } from "node:stream";
import { type AgentToWorker, AgentToWorkerSchema, type WorkerToAgent, decodeFrame, encodeFrame } from "@maestro/protocol";
import { type WebSocket, WebSocketServer } from "ws";

export interface ServerSide {
  readonly frames: AgentToWorker[];
  /** The first frame of this type from now on or already received, in arrival order. */
  next<T extends AgentToWorker["type"]>(type: T, timeoutMs?: number): Promise<Extract<AgentToWorker, { type: T }>>;
  send(frame: WorkerToAgent): void;
  close(code: number, reason: string): void;
  /** Drops the TCP connection without a close frame, as a network failure would. */
  drop(): void;
  readonly closed: Promise<void>;
}

export interface FakeWorker {
  /** `http://127.0.0.1:<port>`: what the agent is configured with. */
  readonly url: string;
  readonly connections: ServerSide[];
  /** Upgrade attempts, accepted or not, with their Authorization header and the extensions offered. */
  readonly attempts: { readonly at: number; readonly authorization: string | undefined; readonly extensions: string | undefined }[];
  /** Answers the next upgrades with this HTTP status instead of accepting them (undefined: accept). */
  refuseWith(status: number | undefined): void;
  /** The nth accepted connection (0-based), once it exists. */
  connection(index: number, timeoutMs?: number): Promise<ServerSide>;
  close(): Promise<void>;
}

async function until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function serverSide(socket: WebSocket): ServerSide {
  const frames: AgentToWorker[] = [];
  const taken = new Set<AgentToWorker>();
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(AgentToWorkerSchema, data.toString("utf8"));
    if (!decoded.ok) throw new Error(`the agent sent an invalid frame: ${decoded.error.message}`);
    frames.push(decoded.value);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    frames,
    next: async (type, timeoutMs = 5000) => {
      const frame = await until(() => frames.find((each) => each.type === type && !taken.has(each)), `a ${type} frame`, timeoutMs);
      taken.add(frame);
      return frame as never;
    },
    send: (frame) => socket.send(encodeFrame(frame)),
    close: (code, reason) => socket.close(code, reason),
    drop: () => socket.terminate(),
    closed,
  };
}

export async function startFakeWorker(): Promise<FakeWorker> {
  const server: Server = createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true });
  const connections: ServerSide[] = [];
  const attempts: { at: number; authorization: string | undefined; extensions: string | undefined }[] = [];
  const sockets = new Set<Duplex>();
  let refusal: number | undefined;
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    attempts.push({
      at: performance.now(),
      authorization: request.headers.authorization,
      extensions: request.headers["sec-websocket-extensions"],
    });
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => connections.push(serverSide(ws)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections,
    attempts,
    refuseWith: (status) => {
      refusal = status;
    },
    connection: (index, timeoutMs = 5000) => until(() => connections[index], `connection #${index + 1}`, timeoutMs),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
