/**
 * An Upstash-REST-compatible endpoint on loopback, so the Worker's @upstash/redis client runs
 * unchanged in dev and tests (DESIGN §5). It speaks what the client sends (TOOLCHAIN §8):
 * POST / with one command, /pipeline and /multi-exec with a list of them, a bearer token on
 * every request, and base64-encoded string replies when `Upstash-Encoding: base64` is asked for.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { type ItemResult, type Reply, openRedisBackend } from "./redis-backend.ts";

const MAX_BODY_BYTES = 1024 * 1024;
const CommandSchema = z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).min(1);
const CommandListSchema = z.array(CommandSchema).min(1);

export interface LocalUpstash {
  readonly url: string;
  readonly token: string;
  readonly backend: "redis" | "memory";
  close(): Promise<void>;
}

/** Upstash's base64 response encoding: every string but "OK", recursively. */
function encodeReply(reply: Reply): Reply {
  if (typeof reply === "string") return reply === "OK" ? reply : Buffer.from(reply, "utf8").toString("base64");
  if (Array.isArray(reply)) return reply.map(encodeReply);
  return reply;
}

function encodeItem(item: ItemResult, base64: boolean): ItemResult {
  return "result" in item && base64 ? { result: encodeReply(item.result) } : item;
}

function authorized(request: IncomingMessage, token: string): boolean {
  const presented = Buffer.from(request.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startUpstashRest(options: {
  token: string;
  redisUrl?: string | undefined;
  /** Where the in-memory store is kept between runs (dev); nowhere when absent (tests). */
  memorySnapshot?: string | undefined;
  port?: number;
}): Promise<LocalUpstash> {
  const backend = openRedisBackend(options.redisUrl, options.memorySnapshot);

  // A pipeline is ordered but not atomic: each command runs after the previous one, and an
  // error is that command's result, not the pipeline's.
  const runInOrder = async (commands: readonly (readonly string[])[]): Promise<ItemResult[]> => {
    const results: ItemResult[] = [];
    for (const command of commands) {
      results.push(
        await backend.run(command).then(
          (result): ItemResult => ({ result }),
          (error: unknown): ItemResult => ({ error: error instanceof Error ? error.message : String(error) }),
        ),
      );
    }
    return results;
  };

  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== "POST") return send(response, 405, { error: "only POST is supported" });
      if (!authorized(request, options.token)) return send(response, 401, { error: "Unauthorized" });
      const text = await readBody(request);
      if (text === undefined) return send(response, 413, { error: "request body too large" });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return send(response, 400, { error: "body is not JSON" });
      }
      const base64 = request.headers["upstash-encoding"] === "base64";
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;

      if (path === "/pipeline" || path === "/multi-exec") {
        const commands = CommandListSchema.safeParse(body);
        if (!commands.success) return send(response, 400, { error: "expected a list of commands" });
        const results = path === "/multi-exec" ? await backend.transaction(commands.data) : await runInOrder(commands.data);
        return send(
          response,
          200,
          results.map((item) => encodeItem(item, base64)),
        );
      }
      if (path !== "/") return send(response, 404, { error: `unknown path ${path}` });
      const command = CommandSchema.safeParse(body);
      if (!command.success) return send(response, 400, { error: "expected a command" });
      try {
        return send(response, 200, encodeItem({ result: await backend.run(command.data) }, base64));
      } catch (error) {
        return send(response, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    })().catch((error: unknown) => send(response, 500, { error: error instanceof Error ? error.message : "internal error" }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    token: options.token,
    backend: backend.kind,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
    },
  };
}
