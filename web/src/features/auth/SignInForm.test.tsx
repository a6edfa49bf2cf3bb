// Proves: the sign-in form signs in only when the API accepts the token, forgets the token once
// it has been traded for the cookie, and says why not otherwise (a wrong token, an unreachable
// server, or too many attempts from this address, with how long to wait).
import { ApiError, type WebSession } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignInForm } from "./SignInForm.tsx";

afterEach(cleanup);

const SESSION: WebSession = { csrf_token: "csrf-123", expires_at: "2026-12-01T00:00:00.000Z" };

function submitToken(token: string) {
  fireEvent.change(screen.getByLabelText("API token"), { target: { value: token } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("SignInForm", () => {
  it("signs in with a token the API accepts, and does not keep it", async () => {
    const onSignedIn = vi.fn();
    const signIn = vi.fn(() => Promise.resolve(SESSION));
    render(<SignInForm signIn={signIn} onSignedIn={onSignedIn} />);
    submitToken("  good-token  ");
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(SESSION));
    expect(signIn).toHaveBeenCalledWith("good-token");
    expect(screen.getByLabelText("API token")).toHaveProperty("value", "");
  });

  it("refuses a token the API rejects", async () => {
    const onSignedIn = vi.fn();
    render(
      <SignInForm
        signIn={() => Promise.reject(new ApiError(401, "UNAUTHORIZED", "Missing or invalid API token."))}
        onSignedIn={onSignedIn}
      />,
    );
    submitToken("bad");
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "That token is not valid.");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("tells an unreachable server apart from a wrong token", async () => {
    render(<SignInForm signIn={() => Promise.reject(new ApiError(0, "NETWORK_ERROR", "down"))} onSignedIn={vi.fn()} />);
    submitToken("any");
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Could not reach The Maestro.");
  });

  it("says when this address has tried too often, and how long to wait", async () => {
    const refused = new ApiError(429, "RATE_LIMITED", "Too many sign-in attempts from this address. Try again in 42 s.");
    const onSignedIn = vi.fn();
    render(<SignInForm signIn={() => Promise.reject(refused)} onSignedIn={onSignedIn} />);
    submitToken("guess");
    expect(await screen.findByRole("alert")).toHaveProperty(
      "textContent",
      "Too many sign-in attempts from this address. Try again in 42 s.",
    );
    expect(onSignedIn).not.toHaveBeenCalled();
    // The form stays usable: the next try is the user's to make once the wait is over.
    expect(screen.getByRole("button", { name: "Sign in" })).toHaveProperty("disabled", false);
  });

  it("does not submit an empty token", () => {
    render(<SignInForm signIn={vi.fn()} onSignedIn={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Sign in" })).toHaveProperty("disabled", true);
  });
});
