/**
 * What the session's handlers may use of their Durable Object: the database, Redis, the frame
 * log, the sockets. An interface, so handlers stay plain modules and the DO class stays thin.
 */
import type { Presence, SessionId } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../db/client.ts";
import type { Config } from "../env.ts";
import type { Logger } from "../log.ts";
import type { EventLog, NumberedFrame, UnnumberedFrame } from "./event-log.ts";

export interface SessionRuntime {
  readonly sessionId: SessionId;
  readonly config: Config;
  readonly events: EventLog;
  readonly log: Logger;
  db(): Database;
  redis(): Redis;
  sockets(): WebSocket[];
  /** Number a frame, keep it for resume, and send it to every joined socket. */
  broadcast(frame: UnnumberedFrame): NumberedFrame;
  /** Who is watching now, leaving out a socket that is closing. */
  presence(closing?: WebSocket): Presence;
}
