/**
 * What an edit, a regenerate or a branch switch is allowed to start from (the message must be a
 * message of this session, of the right role), which provider, model and credential a
 * regenerated answer comes from: the session's own, or for this one answer another; and telling
 * every client the branch that is in use after one.
 */
import {
  type BranchSwitched,
  type Message,
  type MessageId,
  type ProviderId,
  type RegenerateBody,
  type SessionId,
  SNAPSHOT_MESSAGES,
} from "@maestro/protocol";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { recentBranch, sessionMessage } from "../db/queries/branches.ts";
import { setContextTokens } from "../db/queries/sessions.ts";
import { savedAuthentications } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { SessionRuntime } from "./runtime.ts";
import type { Transcript } from "./transcript.ts";
import type { SessionRow } from "./turn-wiring.ts";

/** Tells every client which branch is in use now, with its newest messages. */
export async function announceBranch(
  host: Pick<SessionRuntime, "db" | "sessionId" | "broadcast">,
  transcript: Transcript,
): Promise<BranchSwitched> {
  const db = host.db();
  const { leafId } = await transcript.load();
  const messages = await recentBranch(db, host.sessionId, SNAPSHOT_MESSAGES);
  await setContextTokens(db, host.sessionId, await transcript.contextTokens());
  host.broadcast({ type: "branch", leaf_id: leafId, messages });
  return { leaf_id: leafId, messages };
}

export async function messageToBranchFrom(
  db: Database,
  sessionId: SessionId,
  id: MessageId,
  role?: "user" | "assistant",
): Promise<Message> {
  const message = await sessionMessage(db, sessionId, id);
  if (message === undefined) {
    throw new AppError("MESSAGE_NOT_FOUND", "No message with that id in this session.", {
      fields: [{ field: "message_id", message: "no message with that id in this session" }],
    });
  }
  if (role !== undefined && message.role !== role) {
    const what = role === "user" ? "Only a user's message can be edited." : "Only an answer can be regenerated.";
    throw new AppError("INVALID_REQUEST", `${what} That message is a ${message.role} message.`, {
      fields: [{ field: "message_id", message: `must name a ${role} message` }],
    });
  }
  return message;
}

/**
 * The session as one regenerated answer sees it: its provider, model and credential replaced by
 * the ones asked for. A credential must be of that provider; without one, the provider's most
 * recently used enabled credential is taken (the session's own when the provider is the same).
 */
export async function regenerateAs(db: Database, session: SessionRow, choice: RegenerateBody): Promise<SessionRow> {
  const provider: ProviderId = choice.provider ?? session.provider;
  const model = choice.model ?? session.model;
  let credentialId = choice.credential_id ?? (provider === session.provider ? session.credentialId : null);
  if (choice.credential_id !== undefined) {
    const [credential] = await db
      .select({ provider: savedAuthentications.provider })
      .from(savedAuthentications)
      .where(eq(savedAuthentications.id, choice.credential_id));
    if (credential === undefined) {
      throw new AppError("CREDENTIAL_NOT_FOUND", "No credential with that id.", {
        fields: [{ field: "credential_id", message: "no credential with that id" }],
      });
    }
    if (credential.provider !== provider) {
      throw new AppError("INVALID_REQUEST", `That credential is for ${credential.provider}, not ${provider}.`, {
        fields: [{ field: "credential_id", message: `must be a ${provider} credential` }],
      });
    }
  }
  if (credentialId === null) {
    const [newest] = await db
      .select({ id: savedAuthentications.id })
      .from(savedAuthentications)
      .where(and(eq(savedAuthentications.provider, provider), eq(savedAuthentications.isEnabled, true)))
      .orderBy(sql`${savedAuthentications.lastUsedAt} desc nulls last`, desc(savedAuthentications.createdAt))
      .limit(1);
    if (newest === undefined) {
      throw new AppError("CREDENTIAL_NOT_FOUND", `There is no ${provider} credential to answer with. Add one first.`, {
        fields: [{ field: "credential_id", message: `no enabled ${provider} credential` }],
      });
    }
    credentialId = newest.id;
  }
  return { ...session, provider, model, credentialId };
}
