/**
 * A stored MCP server made ready to call: its OAuth state, if it has one, wired to be saved back
 * (sealed) when the SDK registers, refreshes, or finds the login dead.
 */
import type { KeyRing } from "../auth/key-ring.ts";
import type { Database } from "../db/client.ts";
import { type RemoteMcpServerRecord, saveMcpOAuthState } from "../db/queries/mcp-servers.ts";
import type { RemoteMcpServer } from "./client.ts";

export interface CallableMcpServer extends RemoteMcpServer {
  readonly version: number;
}

/** `saved`: told after the state is stored (the sessions holding the old one warm are told then). */
export function callableServer(
  record: RemoteMcpServerRecord,
  db: Database,
  keyRing: KeyRing,
  saved: () => Promise<void> = async () => undefined,
): CallableMcpServer {
  const { oauthState, ...server } = record;
  if (oauthState === null) return server;
  return {
    ...server,
    oauth: {
      state: oauthState,
      save: async (state, needsLogin) => {
        await saveMcpOAuthState(db, keyRing, record.id, { ...state }, needsLogin);
        await saved();
      },
    },
  };
}
