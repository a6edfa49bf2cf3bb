/**
 * Lua scripts as the Upstash client sends them, made runnable on the local backends.
 * @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`, a flag Upstash knows
 * but redis-server 7.0 refuses ("Unexpected flag in script shebang") and ioredis-mock's Lua cannot
 * parse at all. The shebang only tunes how Redis schedules the script, so it is dropped; EVALSHA
 * then names the script by the hash the client computed of the text it sent, which is mapped to
 * the hash of what the backend actually holds (unknown hashes pass through, for NOSCRIPT).
 */
import { createHash } from "node:crypto";

const SHEBANG = /^#![^\n]*\n/;
const EVAL = new Set(["EVAL", "EVAL_RO"]);
const EVALSHA = new Set(["EVALSHA", "EVALSHA_RO"]);

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

export type CommandRewrite = (command: readonly string[]) => readonly string[];

/** One per backend: remembers the hashes of the scripts it has rewritten. */
export function scriptRewriter(): CommandRewrite {
  const backendSha = new Map<string, string>();
  return (command) => {
    const [name = "", first = "", ...rest] = command;
    const upper = name.toUpperCase();
    if (EVAL.has(upper) || (upper === "SCRIPT" && first.toUpperCase() === "LOAD")) {
      const [script, ...after] = upper === "SCRIPT" ? [rest[0] ?? "", ...rest.slice(1)] : [first, ...rest];
      const runnable = script.replace(SHEBANG, "");
      if (runnable === script) return command;
      backendSha.set(sha1(script), sha1(runnable));
      return upper === "SCRIPT" ? [name, first, runnable, ...after] : [name, runnable, ...after];
    }
    if (EVALSHA.has(upper)) return [name, backendSha.get(first.toLowerCase()) ?? first, ...rest];
    return command;
  };
}
