// Proves the head start a turn's model request gets (session/request-head-start.ts): the turn
// hears when its request was answered — also when it failed, so a refused connection does not hold
// the user's message — and waits no longer than its bound for a model that takes its time.
import { describe, expect, it } from "vitest";
import { answeredOrAfter, watchFirstRequest } from "../../src/session/request-head-start.ts";

/** A fetch whose answer comes only when the test says so. */
function heldFetch() {
  let settle: (outcome: Response | Error) => void = () => undefined;
  const fetch = (() =>
    new Promise<Response>((resolve, reject) => {
      settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    })) as typeof globalThis.fetch;
  return { fetch, settle: (outcome: Response | Error) => settle(outcome) };
}

const drain = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the model request's head start", () => {
  it("hears when the request is answered, and passes the response on unchanged", async () => {
    const held = heldFetch();
    let answered = 0;
    const sent = watchFirstRequest(held.fetch, () => (answered += 1))("http://model.test/v1", { method: "POST" });
    await drain();
    expect(answered).toBe(0);
    const response = new Response("data: {}\n\n", { status: 200 });
    held.settle(response);
    expect(await sent).toBe(response);
    expect(answered).toBe(1);
  });

  it("hears of a request that failed, which still fails for its caller", async () => {
    const held = heldFetch();
    let answered = 0;
    const sent = watchFirstRequest(held.fetch, () => (answered += 1))("http://model.test/v1");
    held.settle(new TypeError("connection refused"));
    await expect(sent).rejects.toThrow("connection refused");
    expect(answered).toBe(1);
  });

  it("waits for the answer when it comes first, and no longer than the bound when it does not", async () => {
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let done = false;
    void answeredOrAfter(answered, 60_000).then(() => (done = true));
    await drain();
    expect(done).toBe(false);
    answer();
    await drain();
    expect(done).toBe(true);

    const never = new Promise<void>(() => undefined);
    const startedAt = Date.now();
    await answeredOrAfter(never, 30);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(25);
  });
});
