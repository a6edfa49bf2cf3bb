/**
 * Opens a link in the user's browser, as the Codex CLI and gh do: the platform's own opener,
 * detached, its failure ignored (the link is printed anyway, and a server has no browser).
 */
import { spawn } from "node:child_process";

export function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === "darwin" ? ["open", url] : process.platform === "win32" ? ["cmd", "/c", "start", "", url] : ["xdg-open", url];
  if (command === undefined) return;
  try {
    const child = spawn(command, args, { detached: true, stdio: "ignore" });
    child.once("error", () => undefined);
    child.unref();
  } catch {
    // No opener on this machine: the printed link is enough.
  }
}
