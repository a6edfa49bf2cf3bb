/**
 * The one way every client writes an amount of money, so the web UI and the TUI never show the
 * same cost at two precisions. Below a dollar, four decimals: a turn costs fractions of a cent,
 * and $0.0092 next to $0.0110 reads as a comparison, where rounding to $0.01 would hide it. From a
 * dollar up, cents. Always the same digits for the same amount, whichever screen shows it.
 */
const CENTS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SUB_CENT = new Intl.NumberFormat("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 });

export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return "$—";
  const sign = amount < 0 ? "-" : "";
  const magnitude = Math.abs(amount);
  // 0.99996 rounds to 1.0000 at four decimals: it is a dollar, so it takes the dollar format.
  const digits = magnitude < 0.99995 ? SUB_CENT : CENTS;
  return `${sign}$${digits.format(magnitude)}`;
}
