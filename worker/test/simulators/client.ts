/**
 * Talking to a running simulator from a test, in Node or in workerd (fetch only, no Node APIs):
 * register the turns a key will play, and read back the requests made with it.
 */
import type { Endpoint } from "./fidelity-endpoints.ts";
import type { ScriptOptions, TurnInput } from "./script.ts";

export interface RecordedRequest {
  readonly endpoint: Endpoint;
  readonly path: string;
  readonly headers: [string, string][];
  readonly body: unknown;
  /** The body exactly as it arrived, for byte-level checks (argument text, signatures in place). */
  readonly raw_body: string;
  /** The status the simulator answered with; absent until it has answered. */
  readonly status?: number;
}

/**
 * The key's turns, played in order. `options.context_window` makes requests estimated above it get
 * the provider's "too long" answer; `options.usage: "measured"` makes turns report the request's
 * measured size (script.ts, context-window.ts).
 */
export async function registerScript(simulatorUrl: string, key: string, turns: TurnInput[], options: ScriptOptions = {}): Promise<void> {
  const response = await fetch(`${simulatorUrl}/__sim/scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...options, key, turns }),
  });
  if (!response.ok) throw new Error(`could not register script: ${response.status} ${await response.text()}`);
}

export async function recordedRequests(simulatorUrl: string, key: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${simulatorUrl}/__sim/requests?key=${encodeURIComponent(key)}`);
  const body: unknown = await response.json();
  return (body as { requests: RecordedRequest[] }).requests;
}

/** A fresh key (and so a fresh script) per test, so parallel tests never share turns. */
export function scriptKey(label: string): string {
  return `sim-${label}-${crypto.randomUUID()}`;
}

/** The URL of `bytes` bytes of deterministic text (blob.ts), e.g. for fetch_url to read. */
export function blobUrl(simulatorUrl: string, bytes: number, seed = "0"): string {
  return `${simulatorUrl}/__sim/blob?bytes=${bytes}&seed=${encodeURIComponent(seed)}`;
}
