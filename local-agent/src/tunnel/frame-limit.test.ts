// Proves: no frame the agent sends is over the Worker's 1 MiB message limit, whatever the tool
// returned: a result whose output grows past it when escaped (1 MiB of newlines is 2 MiB of
// JSON), a failure's message, a progress chunk and a stdio MCP server's unbounded answer are cut
// in the middle, keeping the tool's last words and a note, and still decode; small frames pass
// untouched; emoji are never split in half.
import { type AgentToWorker, AgentToWorkerSchema, TunnelCallIdSchema, decodeFrame } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES, encodeForTunnel } from "./frame-limit.ts";

const id = TunnelCallIdSchema.parse("call-big");

function sent(frame: AgentToWorker): { bytes: number; frame: AgentToWorker } {
  const text = encodeForTunnel(frame);
  const decoded = decodeFrame(AgentToWorkerSchema, text);
  if (!decoded.ok) throw new Error(decoded.error.message);
  return { bytes: Buffer.byteLength(text), frame: decoded.value };
}

describe("frames sent down the tunnel", () => {
  it("leaves a frame under the limit as it is", () => {
    const frame: AgentToWorker = { type: "result", id, outcome: { ok: true, output: "small\n[exit code 0]" }, duration_ms: 1 };
    expect(sent(frame).frame).toEqual(frame);
  });

  it("cuts a result that escaping grows past the limit, keeping its start, its end and a note", () => {
    const output = `${"\n".repeat(1024 * 1024 - 40)}[output truncated at 1 MiB]\n[exit code 0]`;
    const { bytes, frame } = sent({ type: "result", id, outcome: { ok: true, output, metadata: { truncated: true } }, duration_ms: 5 });
    expect(bytes).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(bytes).toBeGreaterThan(MAX_FRAME_BYTES - 1024);
    expect(frame).toMatchObject({ type: "result", id, outcome: { ok: true, metadata: { truncated: true } } });
    const shown = frame.type === "result" && frame.outcome.ok ? frame.outcome.output : "";
    expect(shown).toContain("[… cut here to fit the tunnel's 1 MiB message limit …]");
    expect(shown.endsWith("[output truncated at 1 MiB]\n[exit code 0]")).toBe(true);
  });

  it("cuts a failure's message and a progress chunk the same way", () => {
    const message = `The command was killed after 30000 ms. Output so far:\n${'"quoted"'.repeat(200_000)}`;
    const failed = sent({ type: "result", id, outcome: { ok: false, code: "TIMEOUT", message, recoverable: true }, duration_ms: 30_000 });
    expect(failed.bytes).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(failed.frame).toMatchObject({
      outcome: { ok: false, code: "TIMEOUT", message: expect.stringMatching(/^The command was killed/) },
    });
    const progress = sent({ type: "progress", id, output: "x".repeat(3 * 1024 * 1024) });
    expect(progress.bytes).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it("never splits a character made of two UTF-16 units", () => {
    const { frame } = sent({ type: "result", id, outcome: { ok: true, output: "🎼".repeat(400_000) }, duration_ms: 1 });
    const shown = frame.type === "result" && frame.outcome.ok ? frame.outcome.output : "";
    expect(shown.isWellFormed()).toBe(true);
    expect(shown.startsWith("🎼🎼")).toBe(true);
  });
});
