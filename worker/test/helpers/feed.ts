// A test client of the session feed: connects through the Worker and awaits the announcements
// about one session, always with a timeout (other tests' sessions announce on the same feed).
import { type CredentialChangedFrame, type SessionChangedFrame, SessionFeedFrameSchema, decodeFrame } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { ORIGIN, workerFetch } from "./api.ts";
import { FrameQueue } from "./frame-queue.ts";

export interface TestFeed {
  /** The next announcement about `sessionId` not yet taken. */
  nextFor(sessionId: string, timeoutMs?: number): Promise<SessionChangedFrame>;
  /** The next announcement about credential `credentialId` not yet taken. */
  nextForCredential(credentialId: string, timeoutMs?: number): Promise<CredentialChangedFrame>;
  close(): void;
}

export async function feedResponse(token: string | null = env.MAESTRO_API_TOKEN ?? null): Promise<Response> {
  const headers = new Headers({ upgrade: "websocket" });
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return workerFetch(`${ORIGIN}/api/v1/sessions/feed`, { headers });
}

export async function openFeed(): Promise<TestFeed> {
  const response = await feedResponse();
  const socket = response.webSocket;
  if (response.status !== 101 || socket === null) throw new Error(`feed refused: ${response.status} ${await response.text()}`);
  socket.accept();
  const queue = new FrameQueue<SessionChangedFrame>();
  const credentials = new FrameQueue<CredentialChangedFrame>();
  socket.addEventListener("message", (event) => {
    const decoded = decodeFrame(SessionFeedFrameSchema, typeof event.data === "string" ? event.data : "");
    if (!decoded.ok) throw new Error(`the feed sent an invalid frame: ${decoded.error.message}`);
    if (decoded.value.type === "session_changed") queue.push(decoded.value);
    if (decoded.value.type === "credential_changed") credentials.push(decoded.value);
  });
  socket.addEventListener("close", (event) => {
    queue.markClosed({ code: event.code, reason: event.reason });
    credentials.markClosed({ code: event.code, reason: event.reason });
  });
  return {
    nextFor: (sessionId, timeoutMs = 5000) => queue.next((frame) => frame.session_id === sessionId, `a change of ${sessionId}`, timeoutMs),
    nextForCredential: (credentialId, timeoutMs = 5000) =>
      credentials.next((frame) => frame.credential_id === credentialId, `a change of credential ${credentialId}`, timeoutMs),
    close: () => socket.close(1000, "test done"),
  };
}
