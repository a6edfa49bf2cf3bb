/**
 * How a provider's official SDK reads a recorded stream (test/fixtures/streams): each acceptor
 * points the SDK at a loopback server that plays one fixture's body and reports what the SDK made
 * of it. A corpus stream that the real SDK would not accept is not a faithful recording.
 */
export interface SdkReading {
  /** The SDK consumed the whole stream without throwing. */
  readonly ok: boolean;
  /** What it assembled (text, tool calls, usage…), for the test's message when something differs. */
  readonly summary: unknown;
  /** The SDK's error, when it threw. */
  readonly error?: string;
}

export type SdkAcceptor = (baseUrl: string, model: string) => Promise<SdkReading>;
