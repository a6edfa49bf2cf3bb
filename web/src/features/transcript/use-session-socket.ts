/**
 * A session, live: the protocol's socket client (cookie-authenticated from this origin) and the
 * transcript it folds, as React state. Reconnects and resumes by itself; closes when unmounted.
 * A session the server refuses for good (no such session, the sign-in ended) stops retrying and
 * says why in `failure`.
 */
import {
  type ClientToSession,
  type ConnectionState,
  EMPTY_TRANSCRIPT,
  SessionSocketClient,
  type SocketFailure,
  type Transcript,
} from "@maestro/protocol";
import { useCallback, useEffect, useRef, useState } from "react";

export interface LiveSession {
  readonly transcript: Transcript;
  readonly connection: ConnectionState;
  /** Why the session will not open (then `connection` is "closed"); null while it can. */
  readonly failure: SocketFailure | null;
  /** False when the frame could not be sent (not connected). */
  readonly send: (frame: Exclude<ClientToSession, { type: "hello" | "ping" }>) => boolean;
}

export function useSessionSocket(sessionId: string): LiveSession {
  const [transcript, setTranscript] = useState<Transcript>(EMPTY_TRANSCRIPT);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [failure, setFailure] = useState<SocketFailure | null>(null);
  const client = useRef<SessionSocketClient | null>(null);

  useEffect(() => {
    const socket = new SessionSocketClient({
      baseUrl: window.location.origin,
      sessionId,
      client: "web",
      onTranscript: setTranscript,
      onState: setConnection,
      onFailure: setFailure,
    });
    client.current = socket;
    return () => {
      socket.close();
      client.current = null;
    };
  }, [sessionId]);

  const send = useCallback((frame: Exclude<ClientToSession, { type: "hello" | "ping" }>) => client.current?.send(frame) ?? false, []);
  return { transcript, connection, failure, send };
}
