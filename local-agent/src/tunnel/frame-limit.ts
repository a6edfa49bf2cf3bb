/**
 * The last guard on what the agent sends. Workers document a 1 MiB limit on a WebSocket message
 * they receive (over it the socket closes with 1009, taking every call with it), and the session
 * keeps each result as one row of Durable Object SQLite (2 MB at most). Tools cap their own output
 * (1 MiB for commands), but escaping grows text (1 MiB of newlines is 2 MiB of JSON) and a stdio
 * MCP server caps nothing, so a result or progress frame over the limit has its middle cut here,
 * with a note saying so.
 */
import { type AgentToWorker, encodeFrame } from "@maestro/protocol";

/** workerd's limit (1 << 20) less room for what a proxy in between may add. */
export const MAX_FRAME_BYTES = 1024 * 1024 - 4096;

const NOTE = "\n[… cut here to fit the tunnel's 1 MiB message limit …]\n";
/** The end is kept: it holds what a tool says last (exit code, its own truncation note). */
const TAIL_CHARS = 500;

/** Never split a surrogate pair: drop a lone half at either cut. */
function wholeChars(text: string): string {
  return text.replace(/[\uD800-\uDBFF]$/, "").replace(/^[\uDC00-\uDFFF]/, "");
}

/** What one UTF-16 unit costs inside a JSON string in UTF-8 (as JSON.stringify escapes it). */
function escapedBytes(text: string, at: number): number {
  const unit = text.charCodeAt(at);
  if (unit === 0x22 || unit === 0x5c || unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d) return 2;
  if (unit < 0x20) return 6;
  if (unit < 0x80) return 1;
  if (unit < 0x800) return 2;
  if (unit >= 0xd800 && unit <= 0xdfff) {
    const pair = unit <= 0xdbff ? /[\uDC00-\uDFFF]/.test(text.charAt(at + 1)) : at > 0 && /[\uD800-\uDBFF]/.test(text.charAt(at - 1));
    return pair ? 2 : 6;
  }
  return 3;
}

/** The text with as much of its middle cut as the frame needs to fit, counted in one pass. */
function fitText(text: string, encode: (text: string) => string): string {
  const tail = text.length > 2 * TAIL_CHARS ? wholeChars(text.slice(-TAIL_CHARS)) : "";
  const head = text.slice(0, text.length - tail.length);
  const budget = MAX_FRAME_BYTES - Buffer.byteLength(encode(NOTE + tail));
  let kept = 0;
  for (let used = 0; kept < head.length; kept += 1) {
    used += escapedBytes(head, kept);
    if (used > budget) break;
  }
  let encoded = encode(wholeChars(head.slice(0, kept)) + NOTE + tail);
  // Should the count above ever disagree with JSON.stringify, shrink until it fits.
  while (Buffer.byteLength(encoded) > MAX_FRAME_BYTES && kept > 0) {
    kept = Math.floor(kept * 0.99);
    encoded = encode(wholeChars(head.slice(0, kept)) + NOTE + tail);
  }
  return encoded;
}

export function encodeForTunnel(frame: AgentToWorker): string {
  const encoded = encodeFrame(frame);
  if (Buffer.byteLength(encoded) <= MAX_FRAME_BYTES) return encoded;
  if (frame.type === "progress" && frame.output !== undefined) {
    return fitText(frame.output, (output) => encodeFrame({ ...frame, output }));
  }
  if (frame.type === "result") {
    const { outcome } = frame;
    if (outcome.ok) return fitText(outcome.output, (output) => encodeFrame({ ...frame, outcome: { ...outcome, output } }));
    return fitText(outcome.message, (message) => encodeFrame({ ...frame, outcome: { ...outcome, message } }));
  }
  // register: nothing in it can be cut; the Worker's answer (a close) says what went wrong.
  return encoded;
}
