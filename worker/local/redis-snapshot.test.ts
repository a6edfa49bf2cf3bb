// Proves: the in-memory Redis stand-in, given a snapshot file, keeps its string keys (and their
// expiry) across a restart — what keeps a browser signed in when `npm run dev` restarts — and
// drops keys that expired while it was down.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRedisBackend } from "./redis-backend.ts";

const folder = mkdtempSync(join(tmpdir(), "redis-snapshot-"));
const snapshot = join(folder, "redis-memory.json");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the in-memory store with a snapshot", () => {
  it("keeps string keys and their time to live across a restart, and forgets expired ones", async () => {
    const first = openRedisBackend(undefined, snapshot);
    await first.run(["set", "web-session:abc", "1", "ex", "600"]);
    await first.run(["set", "forever", "value"]);
    await first.run(["set", "short", "gone soon", "px", "50"]);
    await first.close();
    expect(statSync(snapshot).mode & 0o777).toBe(0o600);
    await new Promise((resolve) => setTimeout(resolve, 80));

    const second = openRedisBackend(undefined, snapshot);
    expect(await second.run(["get", "web-session:abc"])).toBe("1");
    const ttl = await second.run(["ttl", "web-session:abc"]);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await second.run(["get", "forever"])).toBe("value");
    expect(await second.run(["ttl", "forever"])).toBe(-1);
    expect(await second.run(["exists", "short"])).toBe(0);
    await second.close();
  });

  it("starts empty from a torn snapshot instead of failing", async () => {
    const torn = join(folder, "torn.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(torn, '{"web-session:x": {"va');
    const backend = openRedisBackend(undefined, torn);
    expect(await backend.run(["exists", "web-session:x"])).toBe(0);
    await backend.close();
  });

  it("keeps nothing between runs without a snapshot file (tests)", async () => {
    const first = openRedisBackend(undefined);
    await first.run(["set", "k", "v"]);
    await first.close();
    const second = openRedisBackend(undefined);
    expect(await second.run(["exists", "k"])).toBe(0);
    await second.close();
  });
});
