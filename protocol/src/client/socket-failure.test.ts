// Proves: a REST check's failure is read as permanent only when the server refused for good (a
// 4xx other than a timeout or rate limit), with the user-facing wording for the common cases;
// anything a later attempt could cure (no server, a 5xx, a 429) means "try again".
import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { diagnoseWith } from "./socket-failure.ts";

const failing = (error: Error) => () => Promise.reject(error);

describe("diagnoseWith", () => {
  it("reads refusals as permanent, in words a user understands", async () => {
    expect(await diagnoseWith(failing(new ApiError(404, "SESSION_NOT_FOUND", "No session with that id.")))).toEqual({
      status: 404,
      code: "SESSION_NOT_FOUND",
      message: "There is no session with that id.",
    });
    expect(await diagnoseWith(failing(new ApiError(401, "UNAUTHORIZED", "Missing or invalid token.")))).toMatchObject({
      status: 401,
      message: expect.stringContaining("token was refused"),
    });
    // A code without its own wording keeps the server's message.
    expect(await diagnoseWith(failing(new ApiError(400, "INVALID_REQUEST", "id: Invalid UUID")))).toMatchObject({
      message: "id: Invalid UUID",
    });
  });

  it("means 'try again' when the check passed or a later attempt could succeed", async () => {
    expect(await diagnoseWith(() => Promise.resolve({}))).toBeNull();
    expect(await diagnoseWith(failing(new ApiError(0, "NETWORK_ERROR", "could not reach")))).toBeNull();
    expect(await diagnoseWith(failing(new ApiError(503, "SERVICE_UNAVAILABLE", "down")))).toBeNull();
    expect(await diagnoseWith(failing(new ApiError(429, "PROVIDER_RATE_LIMITED", "slow down")))).toBeNull();
    expect(await diagnoseWith(failing(new Error("a bug in the check")))).toBeNull();
  });
});
