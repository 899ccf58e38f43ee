// A connection terminated in the same TCP read as its ReadyForQuery (what pg_terminate_backend
// does to a backend that has just started) must not be an uncaught 'error' event: a plain
// pg.Pool's connect() hands that client out with no listener and the process dies.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { newPool } from "./pool";

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A PostgreSQL stand-in: accepts the startup, then says "ready" and "terminated" in one write. */
async function terminatingServer(): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((socket) => {
    socket.once("data", () => {
      const fields = "SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0";
      socket.end(
        Buffer.concat([
          message("R", Buffer.from([0, 0, 0, 0])), // AuthenticationOk
          message("Z", Buffer.from("I")), // ReadyForQuery
          message("E", Buffer.from(fields, "latin1")), // ErrorResponse 57P01
        ]),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("newPool", () => {
  it("turns a connection terminated as it is handed out into a failed query, not a crash", async () => {
    const server = await terminatingServer();
    cleanups.push(server.close);
    const idleErrors: Error[] = [];
    const pool = newPool({ host: "127.0.0.1", port: server.port, user: "u", database: "d" }, (e) => idleErrors.push(e));
    cleanups.push(() => pool.end());
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.prependListener("uncaughtException", onUncaught);
    cleanups.push(() => process.removeListener("uncaughtException", onUncaught));

    const client = await pool.connect();
    await expect(client.query("select 1")).rejects.toThrow(/not queryable|terminat/);
    client.release();

    expect(uncaught).toEqual([]);
    // Discarded, not returned to the pool.
    expect(pool.totalCount).toBe(0);
    expect(idleErrors).toEqual([]);
  });
});
