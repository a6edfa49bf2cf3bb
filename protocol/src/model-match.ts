/**
 * Which catalog entry a model id means. Shared by the Worker (limits and prices) and the clients
 * (what the pickers say about a typed id), so both read an id the same way. Pure; no I/O.
 *
 * In order: the id itself; a catalog id of the same family without its date (a dated entry such
 * as claude-3-7-sonnet-20250219 also answers to claude-3-7-sonnet); then the longest known id the
 * given one extends with `-` or `@` (claude-sonnet-4-5-20250929, gpt-5-mini-2025-08-07,
 * claude-opus-4-1@20250805, claude-3-7-sonnet-latest). `gpt-5x` is not `gpt-5`: a model that only
 * shares letters with a known one is unknown.
 */

/** A snapshot date at the end of an id: Anthropic's -20250929, OpenAI's -2025-08-07, Vertex's @20250805. */
const DATE_SUFFIX = /(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2})$/;

/** The id without a trailing snapshot date. */
export function undatedModelId(id: string): string {
  return id.replace(DATE_SUFFIX, "");
}

/** Finds entries by model id as described above; build once per list. */
export function modelMatcher<T extends { readonly id: string }>(models: readonly T[]): (id: string) => T | undefined {
  const byKey = new Map<string, T>();
  for (const model of models) byKey.set(model.id, model);
  // Undated aliases go in after every real id, so a real id always wins; among dated siblings the
  // newest date answers to the family name.
  const dated = models.filter((model) => undatedModelId(model.id) !== model.id).sort((a, b) => b.id.localeCompare(a.id));
  for (const model of dated) {
    const alias = undatedModelId(model.id);
    if (!byKey.has(alias)) byKey.set(alias, model);
  }
  const keysLongestFirst = [...byKey.keys()].sort((a, b) => b.length - a.length);
  return (id) => {
    const exact = byKey.get(id) ?? byKey.get(undatedModelId(id));
    if (exact !== undefined) return exact;
    const prefix = keysLongestFirst.find((key) => id.startsWith(`${key}-`) || id.startsWith(`${key}@`));
    return prefix === undefined ? undefined : byKey.get(prefix);
  };
}
