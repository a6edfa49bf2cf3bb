/**
 * Helpers for e2e tests that drive a scripted model through a real `maestro-agent` on the local
 * Worker: a session socket watcher (as a web tab or a TUI joins), the tool results it saw, the
 * script's turn shapes, and waiting for an agent's presence. The same shapes as
 * local-worker.e2e.test.ts, which keeps its own copy.
 */
import { type Agent, type SessionToClient, SessionToClientSchema, type StreamEvent, decodeFrame, encodeFrame } from "@maestro/protocol";
import { WebSocket } from "ws";
import type { LocalWorker } from "../../local/local-worker.ts";
import type { TurnInput } from "../simulators/script.ts";

export interface Watcher {
  readonly frames: SessionToClient[];
  turnEnd(timeoutMs?: number): Promise<Extract<SessionToClient, { type: "turn_end" }>>;
  send(frame: unknown): void;
  close(): void;
}

/** Joins a session's socket and waits for its snapshot, as the web UI and the TUI do. */
export async function watch(worker: LocalWorker, sessionId: string, client: "web" | "tui" = "web"): Promise<Watcher> {
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const frames: SessionToClient[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
    if (decoded.ok) frames.push(decoded.value);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const waitFor = async (type: SessionToClient["type"], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find((frame) => frame.type === type);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client }));
  await waitFor("snapshot", 30_000);
  return {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    turnEnd: async (timeoutMs = 30_000) => (await waitFor("turn_end", timeoutMs)) as Extract<SessionToClient, { type: "turn_end" }>,
    close: () => socket.close(),
  };
}

export const events = (watcher: Watcher): StreamEvent[] => watcher.frames.flatMap((frame) => (frame.type === "event" ? [frame.event] : []));

export const results = (watcher: Watcher) =>
  events(watcher).filter((event): event is Extract<StreamEvent, { type: "tool_result" }> => event.type === "tool_result");

/** The tool results a watcher saw, by the call id the script gave them. */
export const resultsById = (watcher: Watcher): ReadonlyMap<string, Extract<StreamEvent, { type: "tool_result" }>> =>
  new Map(results(watcher).map((result) => [result.call_id as string, result]));

/** One model step asking for these tool calls together. */
export const calls = (...list: { id: string; name: string; args: Record<string, unknown> }[]): TurnInput => ({
  steps: [{ kind: "tool_calls", calls: list }],
});
export const call = (id: string, name: string, args: Record<string, unknown>): TurnInput => calls({ id, name, args });
export const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

/**
 * Connected, and its registration (roots, version) recorded: GET /agents says connected as soon as
 * the agent's Durable Object holds its register frame, and shows roots and version once they are
 * written to Postgres a moment later.
 */
export const registered = (agent: Agent): boolean => agent.connected && agent.roots.length > 0;

/** The agent as GET /agents shows it, once `ready` says it is as wanted (30 s at most). */
export async function waitForAgent(worker: LocalWorker, id: string, ready: (agent: Agent) => boolean): Promise<Agent> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const agent = (await worker.client.agents.list()).data.find((entry) => entry.id === id);
    if (agent !== undefined && ready(agent)) return agent;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`agent ${id} never became ready`);
}
