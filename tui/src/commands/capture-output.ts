/** For the command tests: an Output that keeps what a command printed, to stdout and stderr apart. */
import type { Output } from "./output.ts";

export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text) };
  return { output, out: () => out.join(""), err: () => err.join("") };
}
