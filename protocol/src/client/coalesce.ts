/**
 * Runs `work` once, `delayMs` after the first of a burst of requests: a session list told of ten
 * changes in a moment reloads once. `cancel` drops a run that has not started.
 */
export function coalesce(work: () => void, delayMs: number): { readonly request: () => void; readonly cancel: () => void } {
  let pending: ReturnType<typeof setTimeout> | undefined;
  return {
    request: () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        work();
      }, delayMs);
    },
    cancel: () => {
      clearTimeout(pending);
      pending = undefined;
    },
  };
}
