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

/**
 * Signed in. Any 401 means the cookie stopped proving a session (signed out elsewhere, expired,
 * or a dev stack restarted with an empty store): `onSignedOut` then brings the sign-in form back,
 * instead of each open page showing "Missing or invalid API token." on its own.
 */
export function sessionClient(csrfToken: string, onSignedOut: () => void = () => undefined): RestClient {
  const watchingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) onSignedOut();
    return response;
  };
  return createRestClient({ baseUrl: window.location.origin, headers: { [CSRF_HEADER]: csrfToken }, fetch: watchingFetch });
}
