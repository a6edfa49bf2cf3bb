/**
 * The model call that writes a compaction's summary: the session's own request — same system
 * prompt, same tools, the same history up to what is summarised — with the summary asked for at
 * the end, so it reads the provider's prompt cache like any turn would. Retried like a turn's
 * calls; only its text is kept.
 */
import type { StreamEvent } from "@maestro/protocol";
import { costOf } from "../providers/pricing.ts";
import type { ConversationMessage, ProviderContext } from "../providers/provider.ts";
import type { TurnDeps } from "./agent-loop.ts";
import type { SummaryAnswer } from "./compactor.ts";
import { streamWithRetries } from "./retry.ts";
import { StepBuilder } from "./step-builder.ts";
import { historyFor } from "./provider-history.ts";

export async function callForSummary(
  deps: TurnDeps,
  request: { readonly model: string; readonly system: string | null; readonly messages: readonly ConversationMessage[] },
  signal: AbortSignal,
): Promise<SummaryAnswer> {
  const builder = new StepBuilder();
  const makeContext = async (): Promise<ProviderContext> => ({
    credential: await deps.credentialForCall(),
    signal,
    fetch: deps.fetch,
    sessionKey: deps.sessionKey,
    exchange: {},
    ...(deps.timeouts !== undefined && { timeouts: deps.timeouts }),
  });
  const messages = historyFor(request.messages, { provider: deps.providerId, credentialId: deps.credentialId ?? null });
  const stream = streamWithRetries(deps.provider, { ...request, messages, tools: deps.tools.definitions }, makeContext, deps.retry, signal);
  for await (const item of stream) {
    if (item.kind === "retry") builder.startAttempt();
    else builder.add(item.event satisfies StreamEvent);
  }
  const built = builder.build();
  const text = built.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
  return {
    text: built.error === null && text.trim().length > 0 ? text : null,
    usage: built.usage,
    costUsd: built.usage === null ? null : costOf(request.model, built.usage),
    error: built.error?.message ?? null,
  };
}
