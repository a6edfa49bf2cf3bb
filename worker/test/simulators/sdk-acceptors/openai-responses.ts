/**
 * The openai SDK reading a Responses stream (test/fixtures/streams/openai_responses) through
 * `responses.stream()`: its ResponseStream accumulates every event into the response snapshot and
 * rejects what does not fit (an unknown event type, a delta for an item or content part never
 * added, a lifecycle event for another response), so a stream it reads to `finalResponse()` is
 * well-formed by the SDK's own rules. A clean end without `response.completed` (incomplete, failed)
 * still resolves, as the SDK documents. (An in-stream `error` event it raises as an APIError, by
 * design: such streams are not whole, and stream-fixtures.test.ts does not ask it to read them.)
 */
import OpenAI from "openai";
import type { SdkAcceptor } from "./acceptor.ts";

interface Summary {
  events: string[];
  status?: string | undefined;
  output_text?: string;
  reasoning?: { summary: string[]; content: string[]; encrypted: boolean }[];
  calls?: { call_id: string; name: string; arguments: string; status?: string | undefined }[];
  refusal?: string;
  incomplete_details?: unknown;
  error?: unknown;
  usage?: unknown;
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export const openaiResponsesAcceptor: SdkAcceptor = async (baseUrl, model) => {
  const client = new OpenAI({ apiKey: "k", baseURL: baseUrl, maxRetries: 0 });
  const summary: Summary = { events: [] };
  try {
    const stream = client.responses.stream({ model, input: "hi" });
    for await (const event of stream) summary.events.push(event.type);
    const response = await stream.finalResponse();
    summary.status = response.status;
    summary.output_text = response.output_text;
    summary.reasoning = response.output.flatMap((item) =>
      item.type === "reasoning"
        ? [
            {
              summary: item.summary.map((part) => part.text),
              content: (item.content ?? []).map((part) => part.text),
              encrypted: typeof item.encrypted_content === "string",
            },
          ]
        : [],
    );
    summary.calls = response.output.flatMap((item) =>
      item.type === "function_call" ? [{ call_id: item.call_id, name: item.name, arguments: item.arguments, status: item.status }] : [],
    );
    summary.refusal = response.output
      .flatMap((item) => (item.type === "message" ? item.content : []))
      .flatMap((part) => (part.type === "refusal" ? [part.refusal] : []))
      .join("");
    summary.incomplete_details = response.incomplete_details;
    summary.error = response.error;
    summary.usage = response.usage;
    return { ok: true, summary };
  } catch (error) {
    return { ok: false, summary, error: describe(error) };
  }
};
