// Fixed secrets for the test run only. They are recognisable on purpose: a test greps the
// captured logs and responses for them.
export const TEST_API_TOKEN = "test-api-token-0123456789abcdef";
// Two keys: "k2" seals, "k1" only opens (what a rotation leaves behind).
export const TEST_KEY_K2 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
export const TEST_KEY_K1 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
export const TEST_ENCRYPTION_KEYS = `k2:${TEST_KEY_K2},k1:${TEST_KEY_K1}`;
