/**
 * "Does this key work?": one tiny streamed request to the provider's cheap probe model, stopped
 * as soon as the first words (or the end) arrive. A refused key, a bad base URL or a down
 * provider come back as a message the user can act on; nothing is stored.
 */
import type { CredentialTestResult } from "@maestro/protocol";
import type { Provider, ProviderCredential } from "./provider.ts";

const PROBE_TIMEOUT_MS = 30_000;

export async function probeCredential(
  provider: Provider,
  credential: ProviderCredential,
  options: { fetch: typeof fetch; now: () => number },
): Promise<CredentialTestResult> {
  const started = options.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  const latency = () => Math.max(0, options.now() - started);
  try {
    const events = provider.stream(
      {
        model: provider.probeModel,
        system: null,
        messages: [{ role: "user", content: [{ type: "text", text: "Reply with OK." }] }],
        tools: [],
      },
      { credential, signal: controller.signal, fetch: options.fetch, sessionKey: crypto.randomUUID(), exchange: {} },
    );
    for await (const event of events) {
      if (event.type === "error") return { ok: false, latency_ms: latency(), message: event.message };
      if (event.type === "text_delta" || event.type === "stop") {
        controller.abort();
        return { ok: true, latency_ms: latency(), message: `${provider.id} answered (${provider.probeModel}).` };
      }
    }
    return { ok: false, latency_ms: latency(), message: "The provider ended the stream without answering." };
  } catch {
    return {
      ok: false,
      latency_ms: latency(),
      message: controller.signal.aborted ? "The provider did not answer in time." : "The provider could not be reached.",
    };
  } finally {
    clearTimeout(timer);
  }
}
