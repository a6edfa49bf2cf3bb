// Proves: the ChatGPT account a Codex token belongs to (sent as ChatGPT-Account-ID) is read from
// the id_token as llxprt reads it (REFERENCE §3c): the `https://api.openai.com/auth` claim's
// chatgpt_account_id, else that claim's account_id, else the root account_id; empty values do
// not count, and a token that is not a JWT yields no account rather than an error.
import { describe, expect, it } from "vitest";
import { codexAccountId } from "../../src/auth/oauth/codex.ts";
import { bytesToBase64Url } from "../../src/auth/base64.ts";

const encode = (value: unknown) => bytesToBase64Url(new TextEncoder().encode(JSON.stringify(value)));
const jwt = (claims: Record<string, unknown>) => `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.sig`;
const AUTH = "https://api.openai.com/auth";

describe("codexAccountId", () => {
  it("prefers the auth claim's chatgpt_account_id over every other account id", () => {
    const token = jwt({ [AUTH]: { chatgpt_account_id: "acct-chatgpt", account_id: "acct-nested" }, account_id: "acct-root" });
    expect(codexAccountId(token)).toBe("acct-chatgpt");
  });

  it("falls back to the auth claim's account_id", () => {
    expect(codexAccountId(jwt({ [AUTH]: { account_id: "acct-nested" }, account_id: "acct-root" }))).toBe("acct-nested");
    expect(codexAccountId(jwt({ [AUTH]: { chatgpt_account_id: "", account_id: "acct-nested" } }))).toBe("acct-nested");
  });

  it("falls back to the root account_id", () => {
    expect(codexAccountId(jwt({ account_id: "acct-root", sub: "user" }))).toBe("acct-root");
    expect(codexAccountId(jwt({ [AUTH]: { chatgpt_account_id: null }, account_id: "acct-root" }))).toBe("acct-root");
  });

  it("finds no account in a token without one, or in something that is not a JWT", () => {
    expect(codexAccountId(jwt({ [AUTH]: {}, sub: "user" }))).toBeNull();
    expect(codexAccountId(jwt({ [AUTH]: { chatgpt_account_id: "" }, account_id: "" }))).toBeNull();
    expect(codexAccountId(null)).toBeNull();
    expect(codexAccountId("not-a-jwt")).toBeNull();
    expect(codexAccountId("a.%%%.c")).toBeNull();
    expect(codexAccountId(`x.${bytesToBase64Url(new TextEncoder().encode("not json"))}.y`)).toBeNull();
  });
});
