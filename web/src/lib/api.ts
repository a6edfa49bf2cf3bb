/**
 * The web UI's one connection to the API: the protocol's typed client, authenticated with the
 * token the user signed in with. (The HttpOnly cookie session replaces the stored token in the
 * full web UI; until then the token lives in sessionStorage, gone when the tab closes.)
 */
import { createRestClient, type RestClient } from "@maestro/protocol";

const TOKEN_KEY = "maestro.token";

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function apiClient(token: string): RestClient {
  return createRestClient({ baseUrl: window.location.origin, token });
}
