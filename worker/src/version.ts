/** The Maestro's version, reported by /health. */
export const VERSION = "0.1.0";
