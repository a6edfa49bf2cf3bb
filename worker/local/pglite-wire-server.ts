/**
 * Serves one embedded PGlite to many Postgres wire-protocol connections on loopback.
 *
 * PGlite is a single backend, so connections take turns. The unit of a turn is a whole client
 * exchange (everything up to a Sync, a simple Query or a Flush), never a single message: node-
 * postgres sends Parse/Bind/Execute/Sync together, and another connection's Parse landing in
 * between would replace the unnamed statement mid-query. (@electric-sql/pglite-socket
 * interleaves at message level, which is why this exists.) While a connection is inside a
 * transaction, or between a Flush and its Sync, only that connection runs.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const UNIT_ENDS = new Set(["S", "Q", "H"]); // Sync, Query, Flush
const TERMINATE = "X";

type Unit =
  | {
      readonly kind: "messages";
      readonly connection: Connection;
      readonly messages: Uint8Array[];
      /** A Flush leaves the client mid-sequence: keep its turn until the Sync. */
      readonly keepsTurn: boolean;
    }
  /** Ends the transaction a vanished connection left open, before anyone else runs. */
  | { readonly kind: "rollback" };

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  started: boolean;
  buffer: Buffer;
  pending: Uint8Array[];
  closed: boolean;
}

export interface PgliteWireServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function servePglite(db: PGlite, options: { port?: number } = {}): Promise<PgliteWireServer> {
  const queue: Unit[] = [];
  const connections = new Set<Connection>();
  let owner: Connection | undefined;
  let running = false;
  let nextId = 1;

  const nextUnit = (): Unit | undefined => {
    const index = owner === undefined ? 0 : queue.findIndex((unit) => unit.kind === "messages" && unit.connection === owner);
    return index === -1 ? undefined : queue.splice(index, 1)[0];
  };

  const drain = async () => {
    if (running) return;
    running = true;
    try {
      for (let unit = nextUnit(); unit !== undefined; unit = nextUnit()) {
        if (unit.kind === "rollback") {
          // db.exec takes PGlite's lock itself (it is not reentrant: no runExclusive here).
          if (db.isInTransaction()) await db.exec("ROLLBACK");
          continue;
        }
        const { connection } = unit;
        await db.runExclusive(async () => {
          for (const message of unit.messages) {
            await db.execProtocolRawStream(message, {
              // The chunk is a view of PGlite's memory, reused for what comes next; a write the
              // socket has to buffer would go out overwritten, so it gets its own copy.
              onRawData: (chunk) => {
                if (!connection.closed) connection.socket.write(Buffer.from(chunk));
              },
            });
          }
        });
        owner = unit.keepsTurn || db.isInTransaction() ? connection : undefined;
      }
    } finally {
      running = false;
    }
  };

  const release = (connection: Connection) => {
    if (connection.closed) return;
    connection.closed = true;
    connections.delete(connection);
    for (let index = queue.length - 1; index >= 0; index -= 1) {
      const unit = queue[index];
      if (unit?.kind === "messages" && unit.connection === connection) queue.splice(index, 1);
    }
    if (owner === connection) {
      // A client that vanished mid-transaction must not leave it open for everyone else.
      owner = undefined;
      queue.unshift({ kind: "rollback" });
    }
    void drain();
  };

  const receive = (connection: Connection, data: Buffer) => {
    connection.buffer = Buffer.concat([connection.buffer, data]);
    for (;;) {
      const { buffer } = connection;
      if (!connection.started) {
        // Startup-phase messages have no type byte: length, then a request code.
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        connection.buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.socket.write("N");
          continue;
        }
        if (code === CANCEL_REQUEST) {
          connection.socket.end();
          return;
        }
        connection.started = true;
        queue.push({ kind: "messages", connection, messages: [new Uint8Array(message)], keepsTurn: false });
        continue;
      }
      if (buffer.length < 5) break;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) break;
      const type = String.fromCharCode(buffer[0] ?? 0);
      const message = new Uint8Array(buffer.subarray(0, length));
      connection.buffer = buffer.subarray(length);
      if (type === TERMINATE) {
        connection.socket.end();
        release(connection);
        return;
      }
      connection.pending.push(message);
      if (UNIT_ENDS.has(type)) {
        queue.push({ kind: "messages", connection, messages: connection.pending, keepsTurn: type === "H" });
        connection.pending = [];
      }
    }
    void drain();
  };

  const server: Server = createServer((socket) => {
    const connection: Connection = { id: nextId++, socket, started: false, buffer: Buffer.alloc(0), pending: [], closed: false };
    connections.add(connection);
    socket.setNoDelay(true);
    socket.on("data", (data) => receive(connection, data));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => release(connection));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");

  return {
    port: address.port,
    close: async () => {
      for (const connection of connections) connection.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
