/**
 * The message actions of a session's page (MessageActions.tsx): edits, regenerates and branch
 * switches go over the session socket, so every client follows; a fork is made through the API
 * and opens the new session. Also what the page shows of forks: the sessions forked from this one
 * and, for a fork, where it came from.
 */
import { type ClientToSession, type RestClient, type Session, type SessionFork, ApiError } from "@maestro/protocol";
import { useEffect, useMemo, useState } from "react";
import { sessionHref } from "../../lib/route.ts";
import { useLoad } from "../../lib/use-load.ts";
import { useModels } from "../models/use-models.ts";
import type { MessageActions } from "./MessageActions.tsx";

export interface ForkLinks {
  /** The session this one was forked from, with its title once loaded. */
  readonly origin: { readonly id: string; readonly title: string | null } | null;
  readonly forks: readonly SessionFork[];
}

export function useMessageActions(
  client: RestClient,
  session: Session | null,
  send: (frame: Exclude<ClientToSession, { type: "hello" | "ping" }>) => boolean,
  busy: boolean,
  onError: (message: string) => void,
): { actions: MessageActions | undefined; links: ForkLinks } {
  const [credentials] = useLoad(() => client.credentials.list());
  const models = useModels(client);
  const [forks, setForks] = useState<readonly SessionFork[]>([]);
  const [originTitle, setOriginTitle] = useState<string | null>(null);
  const sessionId = session?.id ?? null;
  const originId = session?.forked_from?.session_id ?? null;

  useEffect(() => {
    if (sessionId === null) return;
    let cancelled = false;
    client.sessions.forks(sessionId).then(
      (list) => !cancelled && setForks(list.data),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, sessionId]);

  useEffect(() => {
    if (originId === null) return;
    let cancelled = false;
    client.sessions.get(originId).then(
      (origin) => !cancelled && setOriginTitle(origin.title),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, originId]);

  const actions = useMemo((): MessageActions | undefined => {
    if (sessionId === null) return undefined;
    return {
      busy,
      credentials: credentials.status === "ready" ? credentials.value.data : [],
      models,
      forks,
      edit: (messageId, text) => void send({ type: "edit", message_id: messageId, text }),
      regenerate: (messageId, choice) => void send({ type: "regenerate", message_id: messageId, ...choice }),
      switchTo: (messageId) => void send({ type: "switch_branch", message_id: messageId }),
      fork: (messageId) => {
        client.sessions.fork(sessionId, { message_id: messageId }).then(
          (fork) => {
            window.location.hash = sessionHref(fork.id);
          },
          (failure: unknown) => onError(failure instanceof ApiError ? failure.message : "Could not fork the session."),
        );
      },
    };
  }, [client, sessionId, busy, credentials, models, forks, send, onError]);

  return { actions, links: { origin: originId === null ? null : { id: originId, title: originTitle }, forks } };
}
