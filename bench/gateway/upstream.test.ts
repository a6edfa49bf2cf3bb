// The bench's loopback upstream speaks Chat Completions as the API does (the official SDK reads
// it), its stamps survive the stream, and the Portkey patches still match the installed build.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatCompletion } from "./clients.ts";
import { patchedSource } from "./portkey.ts";
import { planText, stampsIn, startUpstreamServer } from "./upstream.ts";

let upstream: Awaited<ReturnType<typeof startUpstreamServer>>;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(() => new Promise<void>((resolve) => upstream.server.close(() => resolve())));

describe("the bench's upstream", () => {
  it("streams the planned tokens, stamped, with a finish and a usage chunk the openai SDK accepts", async () => {
    const sdk = new OpenAI({ apiKey: "bench", baseURL: `${upstream.url}/v1`, maxRetries: 0 });
    const stream = await sdk.chat.completions.create({
      model: "gpt-4.1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: planText(5, 1) }],
    });
    const texts: string[] = [];
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      if (choice?.delta.content) texts.push(choice.delta.content);
      if (choice?.finish_reason) finishes.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    const stamps = texts.flatMap(stampsIn);
    expect(stamps.map((stamp) => stamp.index)).toEqual([0, 1, 2, 3, 4]);
    expect(stamps[0]?.arrivedAt).toBeLessThanOrEqual(stamps[0]!.sentAt);
    for (let index = 1; index < stamps.length; index += 1) expect(stamps[index]!.sentAt).toBeGreaterThanOrEqual(stamps[index - 1]!.sentAt);
    expect(finishes).toEqual(["stop"]);
    expect(usage?.completion_tokens).toBe(5);
  });

  it("starts its answer once the model has read its prompt, when the plan says how long that takes", async () => {
    const reading = await chatCompletion(upstream.url, {}, planText(2, 0, 60));
    expect(reading.error).toBeUndefined();
    expect(reading.tokens).toBe(2);
    // The wait is the upstream's own: between the request's arrival and its first token.
    expect(reading.firstSentAt! - reading.arrivedAt!).toBeGreaterThanOrEqual(59);
    expect(reading.firstReceivedAt! - reading.startedAt).toBeGreaterThanOrEqual(59);
  });

  it("answers a request without a plan with a 400 the SDK reports as such", async () => {
    const sdk = new OpenAI({ apiKey: "bench", baseURL: `${upstream.url}/v1`, maxRetries: 0 });
    await expect(sdk.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "hello" }] })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });

  it("is read by the bench's own client: every token, when the request arrived, the end", async () => {
    const reading = await chatCompletion(upstream.url, {}, planText(3, 0));
    expect(reading.error).toBeUndefined();
    expect(reading.tokens).toBe(3);
    expect(reading.delivery).toHaveLength(3);
    expect(reading.arrivedAt).toBeGreaterThanOrEqual(reading.startedAt - 50);
    expect(reading.endAt).toBeGreaterThanOrEqual(reading.lastReceivedAt!);
  });
});

describe("the Portkey patches", () => {
  it("each match the installed 1.15.2 build exactly once, in both variants", async () => {
    const shipped = await patchedSource("as shipped");
    expect(shipped).toContain('hostname:"127.0.0.1"');
    expect(shipped).toContain("setTimeout(e,25)");
    const noSleep = await patchedSource("first-chunk sleep removed");
    expect(noSleep).not.toContain("setTimeout(e,25)");
  });
});
