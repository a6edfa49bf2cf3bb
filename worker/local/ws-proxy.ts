/**
 * The WebSocket-to-TCP proxy Neon's serverless driver speaks when `neonConfig.wsProxy` points at
 * it (DESIGN §5): each socket on `/v1?address=host:port` is piped, byte for byte, to that TCP
 * address. Only loopback targets are allowed, so it can never become an open relay.
 */
import { connect } from "node:net";
import { WebSocketServer, type RawData } from "ws";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export interface WsProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Parse `host:port` (IPv6 in brackets) and accept only loopback hosts. */
export function loopbackTarget(address: string | null): { host: string; port: number } | undefined {
  const match = address?.match(/^(\[[^\]]+\]|[^:]+):(\d{1,5})$/);
  if (!match?.[1] || !match[2]) return undefined;
  const host = match[1];
  const port = Number(match[2]);
  if (!LOOPBACK_HOSTS.has(host) || port < 1 || port > 65_535) return undefined;
  return { host: host.replace(/^\[|\]$/g, ""), port };
}

export async function startWsProxy(options: { port?: number } = {}): Promise<WsProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: options.port ?? 0 });
  server.on("connection", (socket, request) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const target = url.pathname === "/v1" ? loopbackTarget(url.searchParams.get("address")) : undefined;
    if (target === undefined) {
      socket.close(1008, "only loopback targets");
      return;
    }
    const tcp = connect(target.port, target.host);
    tcp.setNoDelay(true);
    // Bytes that arrive before the TCP connection is up wait here, in order.
    const early: Buffer[] = [];
    let connected = false;
    tcp.on("connect", () => {
      connected = true;
      for (const chunk of early.splice(0)) tcp.write(chunk);
    });
    socket.on("message", (data: RawData) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (connected) tcp.write(chunk);
      else early.push(chunk);
    });
    tcp.on("data", (chunk) => socket.send(chunk));
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close(1011, "database connection failed"));
    socket.on("close", () => tcp.destroy());
    socket.on("error", () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  return {
    port: address.port,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
