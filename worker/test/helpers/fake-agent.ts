// A stand-in for maestro-agent in workerd tests: dials the tunnel through the Worker with an
// agent token, registers, and lets a test await the Worker's frames (call, cancel, ping) and
// answer them by hand, so every step of the tunnel protocol can be observed and mistimed.
import {
  type AgentToWorker,
  BUILTIN_TOOLS,
  type BuiltinToolName,
  PROTOCOL_VERSION,
  type WorkerToAgent,
  WorkerToAgentSchema,
  builtinToolInputSchema,
  decodeFrame,
} from "@maestro/protocol";
import { ORIGIN, client, workerFetch } from "./api.ts";
import { FrameQueue } from "./frame-queue.ts";

const TIMEOUT_MS = 5000;

export interface FakeAgent {
  readonly received: WorkerToAgent[];
  send(frame: AgentToWorker | Record<string, unknown>): void;
  next<T extends WorkerToAgent["type"]>(type: T, timeoutMs?: number): Promise<Extract<WorkerToAgent, { type: T }>>;
  closed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

export const BUILTIN_SPECS = (Object.keys(BUILTIN_TOOLS) as BuiltinToolName[]).map((name) => ({
  name,
  description: BUILTIN_TOOLS[name].description,
  kind: BUILTIN_TOOLS[name].kind,
  input_schema: builtinToolInputSchema(name),
}));

export function registerFrame(overrides: Partial<Extract<AgentToWorker, { type: "register" }>> = {}) {
  return {
    type: "register",
    protocol_version: PROTOCOL_VERSION,
    name: "test-laptop",
    version: "0.1.0-test",
    roots: ["/home/dev/project"],
    tools: BUILTIN_SPECS,
    mcp: [],
    running: [],
    ...overrides,
  } satisfies AgentToWorker;
}

/**
 * Creates an agent through the API and returns its id and one-time token. Names are unique among
 * live agents and every file shares one database, so the default name is made unique.
 */
export async function createAgent(
  name = `test-laptop-${crypto.randomUUID().slice(0, 8)}`,
): Promise<{ id: string; token: string; name: string }> {
  const created = await client().agents.create({ name });
  return { id: created.id, token: created.token, name };
}

export async function dialTunnel(token: string | null): Promise<Response> {
  const headers = new Headers({ upgrade: "websocket" });
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return workerFetch(`${ORIGIN}/api/v1/agents/connect`, { headers });
}

/** Connects and (unless `register: false`) registers; resolves once the Worker knows the agent. */
export async function connectAgent(
  agent: { id: string; token: string },
  options: { register?: Record<string, unknown> | false } = {},
): Promise<FakeAgent> {
  const response = await dialTunnel(agent.token);
  const socket = response.webSocket;
  if (response.status !== 101 || socket === null) throw new Error(`tunnel refused: ${response.status} ${await response.text()}`);
  socket.accept();
  const queue = new FrameQueue<WorkerToAgent>();
  socket.addEventListener("message", (event) => {
    const decoded = decodeFrame(WorkerToAgentSchema, event.data as string);
    if (!decoded.ok) throw new Error(`worker sent an invalid frame: ${decoded.error.message}`);
    queue.push(decoded.value);
  });
  socket.addEventListener("close", (event) => queue.markClosed({ code: event.code, reason: event.reason }));
  const fake: FakeAgent = {
    received: queue.received,
    send: (frame) => socket.send(JSON.stringify(frame)),
    next: async (type, timeoutMs = TIMEOUT_MS) => (await queue.next((frame) => frame.type === type, type, timeoutMs)) as never,
    closed: () => queue.closed(TIMEOUT_MS),
    close: () => socket.close(1000, "test done"),
  };
  if (options.register !== false) {
    fake.send({ ...registerFrame(), ...options.register });
    await waitUntilConnected(agent.id, true);
  }
  return fake;
}

/** The Worker answers nothing to register or close; poll what GET /agents says instead. */
export async function waitUntilConnected(agentId: string, connected: boolean): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const listed = await client().agents.list();
    if (listed.data.find((entry) => entry.id === agentId)?.connected === connected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`agent ${agentId} never became ${connected ? "connected" : "disconnected"}`);
}
