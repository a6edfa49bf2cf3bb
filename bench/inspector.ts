/**
 * A CPU profile or heap summary of the Worker's workerd over its inspector (Chrome DevTools
 * protocol), for finding where a streamed event's CPU and a session's memory go.
 */
import { execFileSync } from "node:child_process";
import { WebSocket } from "ws";

/** The DevTools socket of the workerd process `pid` (wrangler gives it a random loopback port). */
export async function inspectorOf(pids: readonly number[]): Promise<string> {
  const listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => line.split(/\s+/)[3] ?? "");
  for (const address of listening) {
    const targets = await fetch(`http://${address}/json`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.json() as Promise<{ id?: string; webSocketDebuggerUrl?: string }[]>)
      .catch(() => []);
    // wrangler holds the Worker's own inspector and shares it through its proxy's, at /ws.
    const url = (Array.isArray(targets) ? targets : []).find(
      (target) => target.webSocketDebuggerUrl?.endsWith("/ws") === true,
    )?.webSocketDebuggerUrl;
    if (url !== undefined) return `ws://${address}${new URL(url).pathname}`;
  }
  throw new Error(`no inspector found for workerd ${pids.join(", ")}`);
}

export class Inspector {
  readonly #socket: WebSocket;
  #next = 1;
  readonly #waiting = new Map<number, (result: unknown) => void>();
  #chunks: string[] = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown; method?: string; params?: { chunk?: string } };
      if (message.method === "HeapProfiler.addHeapSnapshotChunk") this.#chunks.push(message.params?.chunk ?? "");
      if (message.id !== undefined) this.#waiting.get(message.id)?.(message.result);
    });
  }

  static async open(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    return new Inspector(socket);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    this.#socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.#waiting.set(id, resolve as (result: unknown) => void));
  }

  /** Self time by function (top `limit`), from a profile taken between start and stop. */
  static summarizeProfile(profile: CpuProfile, limit = 25): string {
    const total = new Map<string, number>();
    const interval = profile.samples.length > 0 ? (profile.endTime - profile.startTime) / profile.samples.length : 0;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    for (const id of profile.samples) {
      const frame = byId.get(id)?.callFrame;
      const key = `${frame?.functionName || "(anonymous)"} ${frame?.url.split("/").slice(-2).join("/")}:${frame?.lineNumber}`;
      total.set(key, (total.get(key) ?? 0) + interval);
    }
    const all = [...total.values()].reduce((sum, each) => sum + each, 0);
    return [...total]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, us]) => `${((100 * us) / all).toFixed(1).padStart(5)}%  ${key}`)
      .join("\n");
  }

  /**
   * Bytes allocated by function (top `limit`), self and with what it calls, from a sampling heap
   * profile that counted objects the GC has already collected: what makes the collector work.
   */
  static summarizeAllocations(profile: SamplingHeapProfile, limit = 25): string {
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let all = 0;
    const walk = (node: SamplingHeapProfileNode, above: ReadonlySet<string>): number => {
      const frame = node.callFrame;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + node.selfSize);
      all += node.selfSize;
      const path = above.has(key) ? above : new Set([...above, key]);
      let below = node.selfSize;
      for (const child of node.children) below += walk(child, path);
      if (!above.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + below);
      return below;
    };
    walk(profile.head, new Set());
    const top = (sizes: Map<string, number>) =>
      [...sizes]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([key, bytes]) => `${((100 * bytes) / all).toFixed(1).padStart(5)}% ${(bytes / 1048576).toFixed(1).padStart(7)} MB  ${key}`)
        .join("\n");
    return `${(all / 1048576).toFixed(1)} MB sampled\nself:\n${top(self)}\nwith what it calls:\n${top(inclusive)}`;
  }

  /** Retained-ish memory: self size summed by constructor name (top `limit`). */
  async heapSummary(limit = 25): Promise<string> {
    this.#chunks = [];
    await this.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const snapshot = JSON.parse(this.#chunks.join("")) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    const fields = snapshot.snapshot.meta.node_fields;
    const width = fields.length;
    const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field));
    const types = snapshot.snapshot.meta.node_types[0];
    const bySize = new Map<string, { size: number; count: number }>();
    let total = 0;
    for (let index = 0; index < snapshot.nodes.length; index += width) {
      const type = types[snapshot.nodes[index + typeAt!]!]!;
      const name = type === "object" || type === "closure" ? snapshot.strings[snapshot.nodes[index + nameAt!]!]! : `(${type})`;
      const size = snapshot.nodes[index + sizeAt!]!;
      total += size;
      const entry = bySize.get(name) ?? { size: 0, count: 0 };
      entry.size += size;
      entry.count += 1;
      bySize.set(name, entry);
    }
    const live = ["SessionDO", "EventLog", "Pool", "Client", "WebSocket", "TurnManager"]
      .map((name) => `${name} ${bySize.get(name)?.count ?? 0}`)
      .join(", ");
    return (
      `heap total ${(total / 1048576).toFixed(1)} MB; live objects: ${live}\n` +
      [...bySize]
        .sort((a, b) => b[1].size - a[1].size)
        .slice(0, limit)
        .map(
          ([name, { size, count }]) => `${(size / 1048576).toFixed(2).padStart(8)} MB ${String(count).padStart(8)}  ${name.slice(0, 80)}`,
        )
        .join("\n")
    );
  }

  close(): void {
    this.#socket.close();
  }
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingHeapProfileNode[];
}

export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
}

/**
 * A CPU profile of the Worker's workerd from now until `stop()` (`pids`: every workerd of the dev
 * server; wrangler serves the Worker's inspector through its proxy's). `startedAt` is when it
 * started, in epoch ms (the bench clients' clock).
 */
export async function startProfiler(
  pids: readonly number[],
  intervalUs = 100,
): Promise<{ readonly startedAt: number; stop(): Promise<CpuProfile> }> {
  const inspector = await Inspector.open(await inspectorOf(pids));
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: intervalUs });
  await inspector.call("Profiler.start");
  return {
    startedAt: performance.timeOrigin + performance.now(),
    async stop() {
      const { profile } = await inspector.call<{ profile: CpuProfile }>("Profiler.stop");
      inspector.close();
      return profile;
    },
  };
}
