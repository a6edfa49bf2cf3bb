/**
 * A throwaway real Redis for tests and dev: Debian's redis-server on a free loopback port, with
 * no persistence. Returns null when redis-server is not installed (then the in-memory store is used).
 */
import { spawnSync } from "node:child_process";
import { startChild } from "./child-process.ts";
import { connect } from "node:net";
import { freePort } from "./free-port.ts";

export interface LocalRedisServer {
  readonly url: string;
  close(): Promise<void>;
}

export function installed(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedisServer(): Promise<LocalRedisServer | null> {
  if (!installed()) return null;
  const port = await freePort();
  // A tracked process group (child-process.ts): killed on exit, and by the reaper if this process is killed outright.
  const child = startChild(
    "redis",
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
    { cwd: process.cwd(), show: () => false },
  );
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await answersPing(port)) {
      return { url: `redis://127.0.0.1:${port}`, close: () => child.stop("SIGTERM") };
    }
    if (child.process.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await child.killGroup("SIGKILL");
  throw new Error("redis-server did not start");
}
