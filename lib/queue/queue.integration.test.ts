// The queue against PostgreSQL: a job whose handler ends after a hard stop (stopQueue with
// graceful: false — tests, a worker's second SIGTERM) must not crash the process. pg-boss calls
// `complete` without awaiting it, so a statement refused by the closed pool became an unhandled
// rejection (CI saw "the queue's pool is closed" fail a test run).
import { afterAll, expect, it } from "vitest";
import { enqueueRun, startConsumers, stopQueue } from "./queue";

afterAll(async () => {
  await stopQueue({ graceful: false });
});

it("a job that ends after a hard stop loses its completion without an unhandled rejection", async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    await startConsumers(
      {
        run: async () => {
          started();
          await held;
        },
        webhook: async () => undefined,
      },
      1,
    );
    await enqueueRun(`no-such-run-${Date.now()}`); // the handler above never reads it
    await running;
    await stopQueue({ graceful: false });
    release(); // the job ends now: pg-boss completes it on the closed pool
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rejections).toEqual([]);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
});
