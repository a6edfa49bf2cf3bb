/**
 * When a client says someone is writing (a `prepare` frame): while text is being typed, at most
 * every PREPARE_EVERY_MS. The web composer and the TUI's ask the same rule.
 */
import { PREPARE_EVERY_MS } from "../session-socket.ts";

export function saysWriting(text: string, lastSaidAt: number, now: number): boolean {
  return text.trim() !== "" && now - lastSaidAt >= PREPARE_EVERY_MS;
}
