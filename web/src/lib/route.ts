/**
 * Where the user is, from the URL hash (`#/sessions/<id>`), so a link or a reload lands on the
 * same screen and the Worker's static assets need no server-side routes.
 */
import { useEffect, useState } from "react";

export type SettingsSection = "credentials" | "tools" | "agents";

export type Route =
  | { readonly page: "sessions" }
  | { readonly page: "session"; readonly id: string }
  | { readonly page: "settings"; readonly section: SettingsSection };

export function parseRoute(hash: string): Route {
  const session = /^#\/sessions\/([0-9a-f-]{36})$/.exec(hash);
  if (session?.[1] !== undefined) return { page: "session", id: session[1] };
  const settings = /^#\/settings\/(credentials|tools|agents)$/.exec(hash);
  if (settings?.[1] !== undefined) return { page: "settings", section: settings[1] as SettingsSection };
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
