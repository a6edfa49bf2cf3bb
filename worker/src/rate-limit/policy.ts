/**
 * A rate-limit setting as written in the environment: `<requests>/<window>` with the window in
 * seconds, minutes or hours (`10/1m`, `3000/60s`), or `off`. Parsed once with the rest of the
 * config, so a typo fails as CONFIG_INVALID naming the key instead of silently not limiting.
 */
import { z } from "zod";

export interface RatePolicy {
  readonly requests: number;
  readonly windowSeconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;
const POLICY = /^(\d{1,9})\s*\/\s*(\d{1,6})\s*([smh])$/;

export function parseRatePolicy(text: string): RatePolicy | "off" | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "off") return "off";
  const match = POLICY.exec(trimmed);
  if (match === null) return undefined;
  const requests = Number(match[1]);
  const windowSeconds = Number(match[2]) * UNIT_SECONDS[match[3] as keyof typeof UNIT_SECONDS];
  if (requests < 1 || windowSeconds < 1 || windowSeconds > 86_400) return undefined;
  return { requests, windowSeconds };
}

/** The zod field for one setting: `undefined` in the result means "not limited". */
export function ratePolicySetting(fallback: string) {
  return z.preprocess(
    (value) => (value === "" || value === undefined ? fallback : value),
    z.string().transform((text, ctx): RatePolicy | undefined => {
      const policy = parseRatePolicy(text);
      if (policy === undefined) {
        ctx.addIssue({ code: "custom", message: "must be <requests>/<window> such as 10/1m, or off" });
        return z.NEVER;
      }
      return policy === "off" ? undefined : policy;
    }),
  );
}
