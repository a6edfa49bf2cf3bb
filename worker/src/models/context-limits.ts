/**
 * A session's context limits: the model's window (the session's override, else its credential's,
 * else the catalog's — and where the provider caps the input below the window, that cap) and the
 * share of it the session may fill before compacting (its own setting, else MAESTRO_COMPACT_AT).
 */
import type { ProviderId } from "@maestro/protocol";
import { contextWindowFor, findModel } from "./catalog.ts";

export interface ContextLimits {
  readonly windowTokens: number | null;
  readonly compactAt: number;
}

export interface SessionModel {
  readonly provider: ProviderId;
  readonly model: string;
  readonly contextWindow: number | null;
  readonly compactAt: number | null;
}

export function contextLimits(
  session: SessionModel,
  credentialWindow: number | null,
  defaults: { readonly compactAt: number },
): ContextLimits {
  const overridden = session.contextWindow ?? credentialWindow;
  const window = contextWindowFor(session.provider, session.model, { session: session.contextWindow, credential: credentialWindow });
  const inputLimit = overridden == null ? (findModel(session.provider, session.model)?.inputLimit ?? null) : null;
  return {
    windowTokens: window === null ? null : inputLimit === null ? window : Math.min(window, inputLimit),
    compactAt: session.compactAt ?? defaults.compactAt,
  };
}
