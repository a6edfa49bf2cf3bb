/**
 * A session's summary request (worker/src/session/compaction.ts summaryRequest) ends with this ask;
 * simulators that answer it with a made-up summary recognise it here.
 */
const SUMMARY_ASK = "Summarise the conversation so far";

export function isSummaryRequest(body: unknown): boolean {
  return JSON.stringify(body).includes(SUMMARY_ASK);
}
