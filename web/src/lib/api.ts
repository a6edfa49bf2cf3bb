/**
 * The web UI's connection to the API: the protocol's typed client on this origin. The browser
 * holds an HttpOnly session cookie (it never sees the token again after signing in); every
 * state-changing request carries the CSRF token the sign-in answered with.
 */
import { CSRF_HEADER, createRestClient, type RestClient } from "@maestro/protocol";

/** For signing in and asking whether this browser is signed in. */
export function publicClient(): RestClient {
  return createRestClient({ baseUrl: window.location.origin });
}

export function sessionClient(csrfToken: string): RestClient {
  return createRestClient({ baseUrl: window.location.origin, headers: { [CSRF_HEADER]: csrfToken } });
}
