// Captures every console line written while a test runs (the Worker, its Durable Objects and
// the test share one isolate), so a test can prove a secret never reached a log line.
import { vi } from "vitest";

export interface CapturedLogs {
  readonly lines: string[];
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
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
