// Proves: the sign-in form keeps a token only after the API accepted it, and says why not otherwise.
import { ApiError, type RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignInForm } from "./SignInForm.tsx";

afterEach(cleanup);

function fakeClient(list: () => Promise<unknown>): RestClient {
  return { sessions: { list } } as unknown as RestClient;
}

function submitToken(token: string) {
  fireEvent.change(screen.getByLabelText("API token"), { target: { value: token } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("SignInForm", () => {
  it("signs in with a token the API accepts", async () => {
    const onSignedIn = vi.fn();
    const connect = vi.fn(() => fakeClient(() => Promise.resolve({ data: [] })));
    render(<SignInForm connect={connect} onSignedIn={onSignedIn} />);
    submitToken("  good-token  ");
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith("good-token"));
    expect(connect).toHaveBeenCalledWith("good-token");
  });

  it("refuses a token the API rejects", async () => {
    const onSignedIn = vi.fn();
    render(
      <SignInForm
        connect={() => fakeClient(() => Promise.reject(new ApiError(401, "UNAUTHORIZED", "Missing or invalid API token.")))}
        onSignedIn={onSignedIn}
      />,
    );
    submitToken("bad");
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "That token is not valid.");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("tells an unreachable server apart from a wrong token", async () => {
    render(<SignInForm connect={() => fakeClient(() => Promise.reject(new ApiError(0, "NETWORK_ERROR", "down")))} onSignedIn={vi.fn()} />);
    submitToken("any");
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Could not reach The Maestro.");
  });

  it("does not submit an empty token", () => {
    render(<SignInForm connect={vi.fn()} onSignedIn={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Sign in" })).toHaveProperty("disabled", true);
  });
});
