/**
 * Where the user is, from the URL hash (`#/sessions/<id>`), so a link or a reload lands on the
 * same screen and the Worker's static assets need no server-side routes.
 */
import { useEffect, useState } from "react";

export const SETTINGS_SECTIONS = ["credentials", "tools", "mcp", "templates", "agents", "usage"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export type Route =
  | { readonly page: "sessions" }
  | { readonly page: "session"; readonly id: string }
  | { readonly page: "settings"; readonly section: SettingsSection };

export function parseRoute(hash: string): Route {
  const session = /^#\/sessions\/([0-9a-f-]{36})$/.exec(hash);
  if (session?.[1] !== undefined) return { page: "session", id: session[1] };
  const section = /^#\/settings\/([a-z]+)$/.exec(hash)?.[1];
  const known = SETTINGS_SECTIONS.find((each) => each === section);
  if (known !== undefined) return { page: "settings", section: known };
  return { page: "sessions" };
}

export function sessionHref(id: string): string {
  return `#/sessions/${id}`;
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
