// Proves: Neon's serverless driver reaches the embedded PGlite through the WebSocket proxy:
// queries, committed and rolled-back transactions, concurrent clients that do not see each
// other's half-finished work, persistence across restarts, and a proxy that only dials loopback.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { configureNeonForNode } from "./neon-node.ts";
import { type LocalPostgres, startLocalPostgres } from "./postgres.ts";
import { type WsProxy, loopbackTarget, startWsProxy } from "./ws-proxy.ts";

let postgres: LocalPostgres;
let proxy: WsProxy;
let pool: Pool;

beforeAll(async () => {
  [postgres, proxy] = await Promise.all([startLocalPostgres({}), startWsProxy()]);
  configureNeonForNode(proxy.port);
  pool = new Pool({ connectionString: postgres.databaseUrl, max: 8 });
  await pool.query("create table notes (id serial primary key, body text not null)");
});

afterAll(async () => {
  await pool.end();
  await proxy.close();
  await postgres.close();
});

describe("Neon driver → proxy → PGlite", () => {
  it("runs parameterised queries", async () => {
    await pool.query("insert into notes (body) values ($1), ($2)", ["first", "second"]);
    const { rows } = await pool.query<{ body: string }>("select body from notes where body = any($1) order by id", [["first", "second"]]);
    expect(rows.map((row) => row.body)).toEqual(["first", "second"]);
  });

  it("commits a transaction on a checked-out client, and rolls another back", async () => {
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("insert into notes (body) values ('committed')");
      await client.query("commit");
      await client.query("begin");
      await client.query("insert into notes (body) values ('rolled back')");
      await client.query("rollback");
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ body: string }>("select body from notes where body in ('committed', 'rolled back')");
    expect(rows.map((row) => row.body)).toEqual(["committed"]);
  });

  it("returns a result far larger than a socket buffer whole and intact", async () => {
    // A long session's history can be megabytes. PGlite hands each piece of output over as a view
    // of its own memory, which it reuses; a piece still waiting in a full socket buffer must not be
    // overwritten by the next (it was: results above ~4 MB came back scrambled and the query hung).
    const { rows } = await pool.query<{ index: number; body: string }>(
      "select i as index, repeat(md5(i::text), 200) as body from generate_series(1, 3000) as i",
    );
    expect(rows).toHaveLength(3000);
    const wrong = rows.filter(
      (row, position) => row.index !== position + 1 || row.body !== createHash("md5").update(String(row.index)).digest("hex").repeat(200),
    );
    expect(wrong).toEqual([]);
  });

  it("keeps concurrent clients apart: many parameterised queries at once get their own answers", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        pool.query<{ value: number }>("select $1::int * 2 as value", [index]).then((result) => result.rows[0]?.value),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, (_, index) => index * 2));
  });

  it("does not let another client see or join an open transaction", async () => {
    const writer = await pool.connect();
    try {
      await writer.query("begin");
      await writer.query("insert into notes (body) values ('in flight')");
      // The reader waits its turn instead of running inside the writer's transaction.
      const reader = pool.query<{ count: string }>("select count(*) from notes where body = 'in flight'");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writer.query("rollback");
      expect((await reader).rows[0]?.count).toBe("0");
    } finally {
      writer.release();
    }
  });

  it("rolls back the open transaction of a client that disappears", async () => {
    const client = await pool.connect();
    await client.query("begin");
    await client.query("insert into notes (body) values ('abandoned')");
    client.release(new Error("drop this connection"));
    const { rows } = await pool.query<{ count: string }>("select count(*) from notes where body = 'abandoned'");
    expect(rows[0]?.count).toBe("0");
  });

  it("persists a data directory across restarts", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "maestro-pg-"));
    try {
      const first = await startLocalPostgres({ dataDir });
      const firstPool = new Pool({ connectionString: first.databaseUrl });
      await firstPool.query("create table kept (v text)");
      await firstPool.query("insert into kept values ('still here')");
      await firstPool.end();
      await first.close();
      const second = await startLocalPostgres({ dataDir });
      const secondPool = new Pool({ connectionString: second.databaseUrl });
      expect((await secondPool.query<{ v: string }>("select v from kept")).rows).toEqual([{ v: "still here" }]);
      await secondPool.end();
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("WebSocket proxy", () => {
  it("accepts only loopback targets", () => {
    expect(loopbackTarget("127.0.0.1:5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(loopbackTarget("[::1]:5432")).toEqual({ host: "::1", port: 5432 });
    for (const address of ["10.0.0.1:5432", "db.example.com:5432", "127.0.0.1", "127.0.0.1:99999", null]) {
      expect(loopbackTarget(address)).toBeUndefined();
    }
  });

  it("closes a socket that asks for any other address, without dialling it", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${proxy.port}/v1?address=10.0.0.1:5432`);
    const code = await new Promise<number>((resolve) => socket.on("close", (closeCode) => resolve(closeCode)));
    expect(code).toBe(1008);
  });
});
