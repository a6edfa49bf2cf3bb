/**
 * Where the user is, from the URL hash (`#/sessions/<id>`), so a link or a reload lands on the
 * same screen and the Worker's static assets need no server-side routes.
 */
import { useEffect, useState } from "react";

export type Route = { readonly page: "sessions" } | { readonly page: "session"; readonly id: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/sessions\/([0-9a-f-]{36})$/.exec(hash);
  return match?.[1] === undefined ? { page: "sessions" } : { page: "session", id: match[1] };
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
