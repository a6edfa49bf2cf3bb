/**
 * The wire protocol version. Sent in `hello` (session socket) and `register` (tunnel); a peer
 * that speaks another version is refused with `PROTOCOL_VERSION_MISMATCH` instead of guessing.
 * Bump it only for a change an older peer would misread.
 */
export const PROTOCOL_VERSION = 1;
