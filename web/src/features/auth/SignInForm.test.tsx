// Proves: the sign-in form signs in only when the API accepts the token, forgets the token once
// it has been traded for the cookie, and says why not otherwise.
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

  it("does not submit an empty token", () => {
    render(<SignInForm signIn={vi.fn()} onSignedIn={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Sign in" })).toHaveProperty("disabled", true);
  });
});
