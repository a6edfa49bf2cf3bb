// Captures every console line written while a test runs (the Worker, its Durable Objects and
// the test share one isolate), so a test can prove a secret never reached a log line.
import { vi } from "vitest";

export interface CapturedLogs {
  readonly lines: string[];
  /** The first line captured so far or within `timeoutMs` that `matches` (some lines are written a moment after what they tell of). */
  line(matches: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): void;
}

export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    }),
  );
  return {
    lines,
    async line(matches, timeoutMs = 2000) {
      for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 10))) {
        const found = lines.find(matches);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error("no such log line was written");
      }
    },
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
