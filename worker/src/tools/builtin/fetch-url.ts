/**
 * fetch_url: read a web page or API response from the Worker. Text comes back (capped); other
 * content is described, not dumped. Time-limited, and cancelled with the turn.
 */
import { z } from "zod";
import { defineWorkerTool } from "../worker-tool.ts";

const DEFAULT_MAX_BYTES = 100_000;
const TIMEOUT_MS = 15_000;
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]+\+(json|xml))/i;

export const fetchUrl = defineWorkerTool({
  name: "fetch_url",
  kind: "fetch",
  description: "Fetch a URL with HTTP GET and return the response status and text (capped). Use it to read web pages, docs and APIs.",
  params: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }),
    max_bytes: z.number().int().min(1).max(1_000_000).optional().describe("Most bytes of the body to return (default 100000)"),
  }),
  async run(params, context) {
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(TIMEOUT_MS)]);
    context.onProgress({ status: `GET ${params.url}` });
    let response: Response;
    try {
      response = await context.fetch(params.url, { signal, redirect: "follow" });
    } catch {
      if (context.signal.aborted) return { ok: false, code: "CANCELLED", message: "The turn was cancelled.", recoverable: false };
      if (signal.aborted)
        return { ok: false, code: "TIMEOUT", message: `No answer from ${params.url} within ${TIMEOUT_MS / 1000} s.`, recoverable: true };
      return { ok: false, code: "EXECUTION_FAILED", message: `Could not connect to ${params.url}.`, recoverable: true };
    }
    const type = response.headers.get("content-type") ?? "unknown";
    const head = `HTTP ${response.status} ${response.statusText} (${type})`;
    if (!TEXTUAL.test(type)) {
      await response.body?.cancel();
      return { ok: true, output: `${head}\n\n[binary content not shown]`, metadata: { status: response.status } };
    }
    const limit = params.max_bytes ?? DEFAULT_MAX_BYTES;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const truncated = bytes.length > limit;
    const text = new TextDecoder().decode(truncated ? bytes.subarray(0, limit) : bytes);
    return {
      ok: true,
      output: `${head}\n\n${text}${truncated ? `\n\n[truncated: ${bytes.length} bytes, showing ${limit}]` : ""}`,
      metadata: { status: response.status, bytes: bytes.length, truncated },
    };
  },
});
