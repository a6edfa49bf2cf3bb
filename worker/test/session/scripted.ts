// Test doubles for the agent loop (MCP cli-client's ScriptedProvider, gemini-cli's
// FakeContentGenerator): a provider that plays scripted events per call, tools and an approval
// gate that answer as told.
import type { StreamEvent, ToolCallId, ToolOutcome, TurnId } from "@maestro/protocol";
import type { Provider, ProviderRequest } from "../../src/providers/provider.ts";
import type { TurnDeps, TurnInput } from "../../src/session/agent-loop.ts";
import type { ApprovalAnswer, ApprovalGate, ToolInfo, ToolProgress, ToolRuntime } from "../../src/session/turn-ports.ts";

export type ScriptedCall = readonly StreamEvent[] | ((signal: AbortSignal) => AsyncIterable<StreamEvent>);

export class ScriptedProvider implements Provider {
  readonly id = "anthropic" as const;
  readonly probeModel = "scripted";
  readonly requests: ProviderRequest[] = [];
  readonly #calls: ScriptedCall[];

  constructor(calls: ScriptedCall[]) {
    this.#calls = [...calls];
  }

  async *stream(request: ProviderRequest, context: { signal: AbortSignal }): AsyncIterable<StreamEvent> {
    this.requests.push(structuredClone(request));
    const call = this.#calls.shift();
    if (call === undefined) throw new Error("the scripted provider ran out of calls");
    const events = typeof call === "function" ? call(context.signal) : call;
    for await (const event of events) {
      if (context.signal.aborted) return;
      yield event;
    }
  }
}

export const id = (value: string) => value as ToolCallId;

export function text(value: string): StreamEvent[] {
  return [
    { type: "text_delta", text: value },
    { type: "usage", input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0 },
    { type: "stop", reason: "end_turn" },
  ];
}

export function toolCalls(...calls: { id: string; name: string; args: Record<string, unknown> }[]): StreamEvent[] {
  return [
    ...calls.flatMap((call): StreamEvent[] => [
      { type: "tool_call", phase: "start", call_id: id(call.id), name: call.name },
      { type: "tool_call", phase: "args_delta", call_id: id(call.id), delta: JSON.stringify(call.args) },
      { type: "tool_call", phase: "end", call_id: id(call.id), args: call.args },
    ]),
    { type: "stop", reason: "tool_use" },
  ];
}

export interface FakeTool extends Omit<ToolInfo, "agentId" | "machine"> {
  readonly agentId?: ToolInfo["agentId"];
  readonly machine?: ToolInfo["machine"];
  run?(args: Record<string, unknown>, progress: (update: ToolProgress) => void, signal: AbortSignal): Promise<ToolOutcome>;
}

export class FakeTools implements ToolRuntime {
  readonly calls: { name: string; args: Record<string, unknown> }[] = [];
  readonly #tools: Record<string, FakeTool>;

  constructor(tools: Record<string, FakeTool>) {
    this.#tools = tools;
  }

  get definitions() {
    return Object.keys(this.#tools).map((name) => ({ name, description: `the ${name} tool`, inputSchema: { type: "object" } }));
  }

  describe(name: string): ToolInfo | undefined {
    const tool = this.#tools[name];
    return tool === undefined ? undefined : { agentId: null, machine: null, ...tool };
  }

  async execute(
    call: { name: string; args: Record<string, unknown> },
    options: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void },
  ): Promise<ToolOutcome> {
    this.calls.push({ name: call.name, args: call.args });
    const tool = this.#tools[call.name];
    return tool?.run?.(call.args, options.onProgress, options.signal) ?? { ok: true, output: `${call.name} done` };
  }
}

export class FakeApprovals implements ApprovalGate {
  readonly asked: string[] = [];
  readonly #answer: (tool: string) => ApprovalAnswer | Promise<ApprovalAnswer>;
  readonly #session = new Set<string>();

  constructor(answer: (tool: string) => ApprovalAnswer | Promise<ApprovalAnswer>, approvedForSession: string[] = []) {
    this.#answer = answer;
    for (const tool of approvedForSession) this.#session.add(tool);
  }

  async ask(request: { tool: string }): Promise<ApprovalAnswer> {
    this.asked.push(request.tool);
    return this.#answer(request.tool);
  }

  approvedForSession(tool: string): boolean {
    return this.#session.has(tool);
  }
}

export function deps(overrides: Partial<TurnDeps> & Pick<TurnDeps, "provider">): TurnDeps {
  let clock = 1_000;
  return {
    providerId: "anthropic",
    credentialForCall: () => Promise.resolve({ apiKey: "k", baseUrl: null }),
    fetch: () => Promise.reject(new Error("no network in loop tests")),
    sessionKey: "s",
    tools: new FakeTools({}),
    approvals: new FakeApprovals(() => ({ decision: "approve", by: "web" })),
    approvalMode: "ask",
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    maxSteps: 10,
    now: () => (clock += 10),
    ...overrides,
  };
}

export function input(signal: AbortSignal = new AbortController().signal): TurnInput {
  return {
    turnId: "6f1c2b1e-8d2a-4c53-9a55-0d6a3e3c2f10" as TurnId,
    model: "claude-sonnet-4-5",
    system: "be brief",
    history: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    signal,
  };
}
