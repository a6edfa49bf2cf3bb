/**
 * Neon's driver from Node (migrations, scripts, tests): it needs a WebSocket implementation, and
 * for a loopback DATABASE_URL the same proxy settings the Worker uses locally.
 */
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";

export function configureNeonForNode(localProxyPort?: number): void {
  neonConfig.webSocketConstructor = WebSocket;
  if (localProxyPort === undefined) return;
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${localProxyPort}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}
