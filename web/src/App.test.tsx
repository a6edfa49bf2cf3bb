// Proves: a page open when its session cookie stops working (the dev stack restarted, or this
// browser was signed out elsewhere) goes back to the sign-in form on the first 401, instead of
// showing "Missing or invalid API token." where the page was.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./App.tsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = "";
});

const pathOf = (input: RequestInfo | URL) => new URL(input instanceof Request ? input.url : input).pathname;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("App", () => {
  it("shows the sign-in form when a signed-in page gets a 401", async () => {
    const fetchStub = vi.fn(async (input: RequestInfo | URL) => {
      if (pathOf(input) === "/api/v1/auth/session") return json(200, { csrf_token: "csrf", expires_at: "2026-12-12T00:00:00.000Z" });
      return json(401, { error: { code: "UNAUTHORIZED", message: "Missing or invalid API token." } });
    });
    vi.stubGlobal("fetch", fetchStub);
    window.location.hash = "#/settings/credentials";
    render(<App />);
    expect(await screen.findByLabelText("API token")).toBeTruthy();
    expect(screen.queryByText("Missing or invalid API token.")).toBeNull();
    // The settings page did ask (and was refused): the form is the answer to that 401.
    expect(fetchStub.mock.calls.some(([input]) => pathOf(input) !== "/api/v1/auth/session")).toBe(true);
  });
});
