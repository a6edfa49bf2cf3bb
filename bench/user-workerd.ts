/**
 * The user Worker's own workerd port under `wrangler dev`. wrangler puts a proxy workerd in
 * front of it (dev only: it restarts the Worker without dropping connections) that adds a hop each
 * way, so benchmarks that time the Worker speak to the Worker's own port. Linux only (`ss`); where
 * it is not found, the proxy's origin is used.
 */
import { execFileSync } from "node:child_process";
import { workerdPids } from "./gateway/workerd.ts";

export async function userWorkerdOrigin(proxyOrigin: string): Promise<string> {
  const pids = new Set(workerdPids());
  const proxyPort = new URL(proxyOrigin).port;
  let listening: string[];
  try {
    listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" }).split("\n");
  } catch {
    return proxyOrigin;
  }
  for (const line of listening) {
    const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    const pid = Number(/pid=(\d+)/.exec(line)?.[1]);
    if (port === undefined || port === proxyPort || !pids.has(pid)) continue;
    const origin = `http://127.0.0.1:${port}`;
    const health = await fetch(`${origin}/api/v1/health`).then(
      async (response) => (response.ok ? ((await response.json()) as unknown) : undefined),
      () => undefined,
    );
    if (typeof health === "object" && health !== null && "version" in health) return origin;
  }
  return proxyOrigin;
}
