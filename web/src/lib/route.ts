/**
 * Where the user is, from the URL hash (`#/sessions/<id>`), so a link or a reload lands on the
 * same screen and the Worker's static assets need no server-side routes.
 */
import { useEffect, useState } from "react";

export const SETTINGS_SECTIONS = ["credentials", "tools", "mcp", "templates", "agents", "usage"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export type Route =
  | { readonly page: "sessions" }
  /** The approval inbox and the approval rules. */
  | { readonly page: "approvals" }
  /** `message`: a message to scroll to and highlight (a search hit). */
  | { readonly page: "session"; readonly id: string; readonly message: string | null }
  | { readonly page: "settings"; readonly section: SettingsSection }
  /** The search page; its query string (`q`, filters) is the search, so Back returns to the results. */
  | { readonly page: "search"; readonly params: URLSearchParams };

export function parseRoute(hash: string): Route {
  const session = /^#\/sessions\/([0-9a-f-]{36})(?:\/messages\/([0-9a-f-]{36}))?$/.exec(hash);
  if (session?.[1] !== undefined) return { page: "session", id: session[1], message: session[2] ?? null };
  if (hash === "#/approvals") return { page: "approvals" };
  const search = /^#\/search(?:\?(.*))?$/.exec(hash);
  if (search !== null) return { page: "search", params: new URLSearchParams(search[1] ?? "") };
  const section = /^#\/settings\/([a-z]+)$/.exec(hash)?.[1];
  const known = SETTINGS_SECTIONS.find((each) => each === section);
  if (known !== undefined) return { page: "settings", section: known };
  return { page: "sessions" };
}

export function sessionHref(id: string, message?: string): string {
  return message === undefined ? `#/sessions/${id}` : `#/sessions/${id}/messages/${message}`;
}

export function searchHref(params: URLSearchParams): string {
  const query = params.toString();
  return query === "" ? "#/search" : `#/search?${query}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
