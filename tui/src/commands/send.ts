/**
 * `maestro send <id> "text"`: no UI, for scripts and pipes. The answer's text streams to stdout
 * as it arrives; tool calls, approvals and errors go to stderr; the exit code says how the turn
 * ended (0 completed, 1 otherwise). Tool calls that need approval wait for another client.
 */
import { type SessionSocketClient, type SessionSocketOptions, type SessionToClient } from "@maestro/protocol";
import type { TuiConfig } from "../config.ts";
import type { ExitCode, Output } from "./output.ts";

export type SocketClientFactory = (options: SessionSocketOptions) => SessionSocketClient;

export function sendMessage(
  config: TuiConfig,
  sessionId: string,
  text: string,
  output: Output,
  open: SocketClientFactory,
): Promise<ExitCode> {
  return new Promise((resolve) => {
    let sent = false;
    let finished = false;
    const finish = (code: ExitCode) => {
      if (finished) return;
      finished = true;
      client.close();
      resolve(code);
    };
    const onFrame = (frame: SessionToClient) => {
      if (!sent) return;
      if (frame.type === "error") {
        output.err(`error: ${frame.message}\n`);
        if (frame.seq === undefined) finish(1);
        return;
      }
      if (frame.type === "approval_request")
        output.err(`[waiting for approval of ${frame.tool}: answer it in the web UI or \`maestro attach\`]\n`);
      if (frame.type === "turn_end") {
        output.out("\n");
        if (frame.status !== "completed") output.err(`The turn ended: ${frame.status}.\n`);
        finish(frame.status === "completed" ? 0 : 1);
        return;
      }
      if (frame.type !== "event") return;
      const event = frame.event;
      if (event.type === "text_delta") output.out(event.text);
      if (event.type === "tool_call" && event.phase === "end") output.err(`[tool] ${JSON.stringify(event.args)}\n`);
      if (event.type === "tool_result")
        output.err(`[tool ${event.name}] ${event.ok ? "ok" : `failed: ${event.error_code ?? ""}`} (${event.duration_ms} ms)\n`);
      if (event.type === "error") output.err(`error: ${event.message}\n`);
    };
    const client = open({
      baseUrl: config.url,
      token: config.token,
      sessionId,
      client: "api",
      onFrame,
      onState: (state) => {
        if (state === "open" && !sent) {
          sent = client.send({ type: "send", text });
          if (!sent) finish(1);
        }
      },
    });
  });
}
