// Proves: the credential a turn hands each model call is resolved again (which refreshes it)
// only when its token would expire within 5 minutes; an API key, or a token with time left, costs
// nothing per call. And it keeps what it resolved, so one refresh serves the calls after it.
import { describe, expect, it } from "vitest";
import type { ResolvedCredential } from "../../src/auth/credential-secret.ts";
import { credentialLease } from "../../src/session/credential-lease.ts";

const MINUTE = 60_000;

function credential(apiKey: string, expiresAt: number | null): ResolvedCredential {
  return { id: "c1", provider: "codex", apiKey, baseUrl: null, accountId: "acct", expiresAt };
}

function counting(next: ResolvedCredential) {
  const calls: number[] = [];
  return {
    calls,
    resolve: () => {
      calls.push(1);
      return Promise.resolve(next);
    },
  };
}

describe("credential lease", () => {
  it("never resolves an API key again", async () => {
    const resolver = counting(credential("other", null));
    const lease = credentialLease(credential("key", null), resolver.resolve, () => 0);
    expect((await lease()).apiKey).toBe("key");
    expect((await lease()).apiKey).toBe("key");
    expect(resolver.calls).toHaveLength(0);
  });

  it("keeps a token with more than 5 minutes left, and re-resolves it from then on, once", async () => {
    let now = 0;
    const resolver = counting(credential("new", 65 * MINUTE));
    const lease = credentialLease(credential("old", 10 * MINUTE), resolver.resolve, () => now);
    now = 4 * MINUTE; // 6 minutes left
    expect((await lease()).apiKey).toBe("old");
    expect(resolver.calls).toHaveLength(0);
    now = 6 * MINUTE; // 4 minutes left
    expect((await lease()).apiKey).toBe("new");
    expect((await lease()).apiKey).toBe("new");
    expect(resolver.calls).toHaveLength(1);
  });

  it("lets a failed resolution (a login that needs renewing) fail the call", async () => {
    const lease = credentialLease(
      credential("old", MINUTE),
      () => Promise.reject(new Error("needs a new login")),
      () => 0,
    );
    await expect(lease()).rejects.toThrow("needs a new login");
  });
});
