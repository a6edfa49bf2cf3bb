/**
 * The model request leaves before the turn's first storage writes (issue 15).
 *
 * workerd sends a request's body 8 KB at a time, and a storage write made in a later task holds
 * the pieces still to go until it has committed (measured in a bare Worker: a 40 KB body took
 * 0.05 ms from its headers to its end, 0.45 ms with three small writes in the next task, and
 * 0.05 ms with the same writes 2 ms later; in a session, whose next task noted and showed the
 * user's message, 1.7–2 ms). A session's request carries its whole history, so past the first
 * turns it is more than 8 KB.
 *
 * So a turn's start notes and shows the user's message once the model has answered the request
 * (its response headers: the body is in), or `REQUEST_HEAD_START_MS` after it was sent, whichever
 * comes first. A real model takes far longer than that to answer, and the commit then happens
 * while it reads its prompt; a model that answers at once waits for the commit instead.
 */

/** The longest the user's message waits for the model request: a large body's pieces are out by then. */
export const REQUEST_HEAD_START_MS = 4;

/** A turn's model `fetch` that tells `answered` as each request settles (the turn listens for the first). */
export function watchFirstRequest(fetch: typeof globalThis.fetch, answered: () => void): typeof globalThis.fetch {
  return (input, init) => {
    const sent = fetch(input, init);
    sent.then(answered, answered);
    return sent;
  };
}

/** Resolves when `answered` does, or after `ms`: whichever comes first. */
export function answeredOrAfter(answered: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([answered, waited]).finally(() => clearTimeout(timer));
}
