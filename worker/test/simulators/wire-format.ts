/** What each simulated provider format provides to the server. */
import type { ResolvedTurn } from "./script.ts";

export interface WireFormat {
  /** The complete SSE frames of a successful turn, in order. */
  render(turn: ResolvedTurn, model: string): string[];
  /** This provider's JSON error body for an HTTP failure. */
  errorBody(status: number, type: string): unknown;
  /** The status this provider answers when overloaded. */
  readonly overloadedStatus: number;
  /** An in-stream error frame (Anthropic's overloaded_error), where the format has one. */
  midStreamError?(): string;
}

export function sse(data: unknown, event?: string): string {
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** Split a JSON text into a few pieces, the way providers stream tool arguments. */
export function jsonPieces(json: string): string[] {
  const size = Math.max(8, Math.ceil(json.length / 3));
  const pieces: string[] = [];
  for (let index = 0; index < json.length; index += size) pieces.push(json.slice(index, index + size));
  return pieces;
}
