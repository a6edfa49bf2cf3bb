/** What a command prints: to stdout for results (pipes), stderr for everything about the run. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A command's result: the exit code to leave with. */
export type ExitCode = 0 | 1 | 2;
