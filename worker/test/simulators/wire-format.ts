/** What each simulated provider format provides to the server. */
import type { WireViolation } from "../../src/providers/wire-rules.ts";
import type { RawInput, ResolvedTurn } from "./script.ts";

/** A thinking signature (or redacted_thinking data) the simulator handed out, with the text it signs. */
export interface IssuedSignature {
  readonly signature: string;
  readonly text: string;
}

/** What the signature checks know: every signature issued to a script key, with the texts it signed. */
export type IssuedSignatures = ReadonlyMap<string, ReadonlySet<string>>;

export interface RenderContext {
  readonly model: string;
  /** The script key answered: the signatures made up for it are bound to it. */
  readonly key: string;
  /** The request being answered (whether it enables thinking, for one). */
  readonly request: Record<string, unknown>;
  /** Called for every signature the rendered turn hands out, so later requests can be checked. */
  issue(signature: IssuedSignature): void;
}

export interface WireFormat {
  /** The complete SSE frames of a successful turn, in order. */
  render(turn: ResolvedTurn, context: RenderContext): string[];
  /** This provider's JSON error body for an HTTP failure. */
  errorBody(status: number, type: string): unknown;
  /** This provider's 400 body for a request its API refuses, carrying the API's own message. */
  invalidRequestBody(violation: WireViolation): unknown;
  /**
   * This provider's answer to a request longer than the model's context window, as the real API
   * sends it (status, headers and exact body; a stream where the API streams it), given the
   * request's estimated input tokens and the window (context-window.ts).
   */
  contextWindowExceeded(inputTokens: number, contextWindow: number, context: { readonly model: string }): RawInput;
  /** The status this provider answers when overloaded. */
  readonly overloadedStatus: number;
  /** An in-stream error frame (Anthropic's overloaded_error), where the format has one. */
  midStreamError?(): string;
  /** The signatures a recorded (raw) response body hands out, where the format has signatures. */
  signaturesIn?(body: string): IssuedSignature[];
  /** Signatures sent back that this key was never given, or that sign other text than they did. */
  verifySignatures?(request: Record<string, unknown>, issued: IssuedSignatures, key: string): WireViolation[];
}

export { SIMULATOR_SIGNATURE_PREFIX, newSignature, signs } from "./sim-signatures.ts";

export function sse(data: unknown, event?: string): string {
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** The JSON values of a recorded SSE body's `data:` fields, skipping what is not JSON ([DONE], cut frames). */
export function sseDataValues(body: string): unknown[] {
  return body.split(/\r\n\r\n|\n\n|\r\r/).flatMap((event) => {
    const data = event
      .split(/\r\n|\n|\r/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data.length === 0) return [];
    try {
      return [JSON.parse(data) as unknown];
    } catch {
      return [];
    }
  });
}

/** Split a JSON text into a few pieces, the way providers stream tool arguments. */
export function jsonPieces(json: string): string[] {
  const size = Math.max(8, Math.ceil(json.length / 3));
  const pieces: string[] = [];
  for (let index = 0; index < json.length; index += size) pieces.push(json.slice(index, index + size));
  return pieces;
}
