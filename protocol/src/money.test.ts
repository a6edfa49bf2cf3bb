import { describe, expect, it } from "vitest";
import { formatUsd } from "./money.ts";

describe("formatUsd", () => {
  it("writes amounts under a dollar at four decimals, so small costs stay comparable", () => {
    expect(formatUsd(0.0092)).toBe("$0.0092");
    expect(formatUsd(0.011)).toBe("$0.0110");
    expect(formatUsd(0.5)).toBe("$0.5000");
    expect(formatUsd(0)).toBe("$0.0000");
  });

  it("writes a dollar and more in cents, with thousands separated", () => {
    expect(formatUsd(1)).toBe("$1.00");
    expect(formatUsd(0.99996)).toBe("$1.00");
    expect(formatUsd(12.345)).toBe("$12.35");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("keeps the sign of a refund and does not print NaN", () => {
    expect(formatUsd(-0.25)).toBe("-$0.2500");
    expect(formatUsd(Number.NaN)).toBe("$—");
  });
});
