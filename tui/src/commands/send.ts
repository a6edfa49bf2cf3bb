/**
 * `maestro send <id> "text"`: no UI, for scripts and pipes. The answer's text streams to stdout
 * as it arrives; tool calls, approvals and errors go to stderr; the exit code says how the turn
 * ended (0 completed, 1 otherwise). Tool calls that need approval wait for another client.
 * It never hangs on a session it cannot open: a refusal (no such session, a refused token) ends
 * it at once, and no connection for CONNECT_LIMIT_MS (first, or after a drop) ends it too.
 */
import type { SessionSocketClient, SessionSocketOptions, SessionToClient, SnapshotFrame } from "@maestro/protocol";
import type { TuiConfig } from "../config.ts";
import type { ExitCode, Output } from "./output.ts";
import { STEP_BREAK, readSnapshotTurn, textOf, turnOfText } from "./snapshot-turn.ts";

export type SocketClientFactory = (options: SessionSocketOptions) => SessionSocketClient;

/** How long `send` waits without a connection before it gives up (said in `maestro send --help`). */
export const CONNECT_LIMIT_MS = 10_000;

export function sendMessage(
  config: TuiConfig,
  sessionId: string,
  text: string,
  output: Output,
  open: SocketClientFactory,
  connectLimitMs: number = CONNECT_LIMIT_MS,
): Promise<ExitCode> {
  return new Promise((resolve) => {
    let sent = false;
    // The turn our message started, known from the stored user message the server echoes.
    let turnId: string | null = null;
    // What reached stdout, so a snapshot after a drop prints only what is still missing.
    let printed = "";
    let afterTool = false;
    let finished = false;
    let stalled: ReturnType<typeof setTimeout> | undefined;
    const finish = (code: ExitCode, problem?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(stalled);
      if (problem !== undefined) output.err(`${problem}\n`);
      client.close();
      resolve(code);
    };
    const print = (chunk: string) => {
      printed += chunk;
      output.out(chunk);
    };
    const waitForConnection = () => {
      stalled ??= setTimeout(() => {
        const seconds = Math.round(connectLimitMs / 1000);
        finish(
          1,
          sent
            ? `Lost the connection to ${config.url} and could not get it back in ${seconds} s; the turn goes on in the session.`
            : `Could not reach ${config.url} (gave up after ${seconds} s).`,
        );
      }, connectLimitMs);
    };

    /** A resume that came back as a snapshot: the frames in between are lost, the snapshot has the rest. */
    const resumeFrom = (snapshot: SnapshotFrame) => {
      turnId ??= turnOfText(snapshot, text);
      if (turnId === null)
        return finish(1, "The connection dropped before the session confirmed the message; check it with `maestro attach`.");
      const turn = readSnapshotTurn(snapshot, turnId);
      if (turn.text.startsWith(printed)) print(turn.text.slice(printed.length));
      if (turn.ended === null) return undefined;
      output.out("\n");
      return finish(turn.ended.ok ? 0 : 1, turn.ended.problem ?? undefined);
    };

    const onFrame = (frame: SessionToClient) => {
      // An answer to this socket's own frame (the hello, or the send: a turn already running).
      if (frame.type === "error" && frame.seq === undefined) return finish(1, `error: ${frame.message}`);
      if (!sent) {
        // The first frame of a joined session (a snapshot): now the message can go.
        sent = client.send({ type: "send", text });
        return sent ? undefined : finish(1, "Could not send the message.");
      }
      if (frame.type === "snapshot") return resumeFrom(frame);
      if (frame.type === "error") return output.err(`error: ${frame.message}\n`);
      if (frame.type === "message" && turnId === null && frame.message.role === "user") {
        if (textOf(frame.message) === text.trim()) turnId = frame.message.turn_id;
        return undefined;
      }
      // Another client's turn can stream on the same session: only ours is printed.
      if (!("turn_id" in frame) || frame.turn_id !== turnId) return undefined;
      if (frame.type === "approval_request")
        return output.err(`[waiting for approval of ${frame.tool}: answer it in the web UI or \`maestro attach\`]\n`);
      if (frame.type === "turn_end") {
        output.out("\n");
        return finish(frame.status === "completed" ? 0 : 1, frame.status === "completed" ? undefined : `The turn ended: ${frame.status}.`);
      }
      if (frame.type !== "event") return undefined;
      const event = frame.event;
      if (event.type === "text_delta") {
        // The answer after a tool call is a new paragraph, not the end of the sentence before it.
        if (afterTool && printed.length > 0) print(STEP_BREAK);
        afterTool = false;
        print(event.text);
      }
      if (event.type === "tool_call" && event.phase === "end") output.err(`[tool] ${JSON.stringify(event.args)}\n`);
      if (event.type === "tool_result") afterTool = true;
      if (event.type === "tool_result")
        output.err(`[tool ${event.name}] ${event.ok ? "ok" : `failed: ${event.error_code ?? ""}`} (${event.duration_ms} ms)\n`);
      if (event.type === "error") output.err(`error: ${event.message}\n`);
      return undefined;
    };

    waitForConnection();
    const client = open({
      baseUrl: config.url,
      token: config.token,
      sessionId,
      client: "api",
      onFrame,
      onState: (state) => {
        if (finished || state === "closed") return undefined;
        if (state !== "open") return waitForConnection();
        clearTimeout(stalled);
        stalled = undefined;
        return undefined;
      },
      onFailure: (failure) => finish(1, `Cannot open session ${sessionId}: ${failure.message}`),
    });
  });
}
