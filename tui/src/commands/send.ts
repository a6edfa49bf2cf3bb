/**
 * `maestro send <id> "text"`: no UI, for scripts and pipes. The answer's text streams to stdout
 * as it arrives; tool calls, approvals and errors go to stderr; the exit code says how the turn
 * ended (0 completed, 1 otherwise). Tool calls that need approval wait for another client; a
 * message sent while another turn runs waits in the session's queue and runs after it.
 * Its turn is the one its `request_id` started (never a match on the text), and what it prints
 * comes from the shared transcript fold, live or after a resume that came back as a snapshot.
 * It never hangs on a session it cannot open: a refusal (no such session, a refused token) ends
 * it at once, and no connection for CONNECT_LIMIT_MS (first, or after a drop) ends it too.
 */
import {
  EMPTY_TRANSCRIPT,
  type SessionSocketClient,
  type SessionSocketOptions,
  type SessionToClient,
  type Transcript,
  foldTranscript,
  turnOfRequest,
  viewTurn,
} from "@maestro/protocol";
import type { TuiConfig } from "../config.ts";
import type { ExitCode, Output } from "./output.ts";

export type SocketClientFactory = (options: SessionSocketOptions) => SessionSocketClient;

/** How long `send` waits without a connection before it gives up (said in `maestro send --help`). */
export const CONNECT_LIMIT_MS = 10_000;

/** A request id no other send shares: how this process recognises its own turn. */
export const newRequestId = (): string => `tui-send-${crypto.randomUUID()}`;

export function sendMessage(
  config: TuiConfig,
  sessionId: string,
  text: string,
  output: Output,
  open: SocketClientFactory,
  connectLimitMs: number = CONNECT_LIMIT_MS,
  requestId: string = newRequestId(),
): Promise<ExitCode> {
  return new Promise((resolve) => {
    let sent = false;
    let transcript: Transcript = EMPTY_TRANSCRIPT;
    // What reached stdout and stderr, so a snapshot after a drop prints only what is still missing.
    let printed = "";
    const announced = new Set<string>();
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
    /** Says something on stderr once, however many frames repeat it. */
    const once = (key: string, line: string) => {
      if (announced.has(key)) return;
      announced.add(key);
      output.err(line);
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

    /** Everything this turn shows now that was not shown yet; then, if it ended, the exit. */
    const follow = (fromSnapshot: boolean) => {
      const turnId = turnOfRequest(transcript, requestId);
      if (turnId === null) {
        const queued = transcript.queue.find((entry) => entry.request_id === requestId);
        if (queued !== undefined) return once("queued", "[queued: the message runs when the turn before it ends]\n");
        // It was queued, and left the queue without starting a turn: someone cancelled it.
        if (announced.has("queued")) return finish(1, "The message was cancelled before it started.");
        if (fromSnapshot)
          return finish(1, "The connection dropped before the session confirmed the message; check it with `maestro attach`.");
        return undefined;
      }
      const view = viewTurn(transcript, turnId);
      if (view.text.startsWith(printed)) {
        output.out(view.text.slice(printed.length));
        printed = view.text;
      }
      for (const call of view.calls) {
        if (call.args !== null) once(`args ${call.callId}`, `[tool] ${JSON.stringify(call.args)}\n`);
        if (call.result !== null)
          once(
            `result ${call.callId}`,
            `[tool ${call.name}] ${call.result.ok ? "ok" : `failed: ${call.result.errorCode ?? ""}`} (${call.result.durationMs} ms)\n`,
          );
      }
      for (const call of view.awaitingApproval)
        once(
          `approval ${call.callId}`,
          `[waiting for approval of ${call.name}: answer it in the web UI, \`maestro approvals\` or \`maestro attach\`]\n`,
        );
      if (view.error !== null) once(`error ${view.error}`, `error: ${view.error}\n`);
      const running = transcript.turn?.turnId === turnId;
      if (view.ended === null && !(fromSnapshot && !running && transcript.lastTurn?.turnId !== turnId)) return undefined;
      output.out("\n");
      if (view.ended === null) return finish(1, "The turn ended without an answer.");
      return finish(view.ended.status === "completed" ? 0 : 1, view.ended.problem ?? undefined);
    };

    const onFrame = (frame: SessionToClient) => {
      // An answer to this socket's own frame (the hello, or the send: the queue full, the session archived).
      if (frame.type === "error" && frame.seq === undefined) return finish(1, `error: ${frame.message}`);
      transcript = foldTranscript(transcript, frame);
      if (!sent) {
        // The first frame of a joined session (a snapshot): now the message can go.
        sent = client.send({ type: "send", text, request_id: requestId });
        return sent ? undefined : finish(1, "Could not send the message.");
      }
      if (frame.type === "error") return output.err(`error: ${frame.message}\n`);
      // Another client's turn can stream on the same session: only ours is printed.
      return follow(frame.type === "snapshot");
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
