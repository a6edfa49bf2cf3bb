/**
 * A button's request to the API: its failure is shown to the user (through ErrorText) instead of
 * disappearing into an unhandled rejection, and the next attempt clears it.
 */
import { useCallback, useState } from "react";

export function useAction(): [string | null, (action: () => Promise<unknown>, fallback: string) => void] {
  const [error, setError] = useState<string | null>(null);
  const run = useCallback((action: () => Promise<unknown>, fallback: string) => {
    setError(null);
    action().catch((failure: unknown) => setError(failure instanceof Error && failure.message.length > 0 ? failure.message : fallback));
  }, []);
  return [error, run];
}
