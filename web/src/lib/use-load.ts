/** Load something from the API, with loading and error states and a way to load it again. */
import { useCallback, useEffect, useState } from "react";

export type Loaded<T> =
  { readonly status: "loading" } | { readonly status: "ready"; readonly value: T } | { readonly status: "error"; readonly message: string };

export function useLoad<T>(load: () => Promise<T>): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (value) => !cancelled && setState({ status: "ready", value }),
      (error: unknown) => !cancelled && setState({ status: "error", message: error instanceof Error ? error.message : "Could not load." }),
    );
    return () => {
      cancelled = true;
    };
    // `load` is a fresh closure each render; reloading is explicit (`reload`), not per render.
  }, [generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [state, reload];
}
