import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("withDeadline", () => {
  it("aborts at the deadline with a TimeoutError, even after a garbage collection", async () => {
    const run = new AbortController();
    const { signal } = withDeadline(50, run.signal);
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(10);
    }
    await sleep(100);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
    expect(run.signal.aborted).toBe(false);
  });

  it("aborts with the outer signal's reason when that comes first", () => {
    const run = new AbortController();
    const { signal, clear } = withDeadline(10_000, run.signal);
    run.abort(new Error("cancelled"));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe("cancelled");
    clear();
  });

  it("does not abort once cleared", async () => {
    const { signal, clear } = withDeadline(20);
    clear();
    await sleep(60);
    expect(signal.aborted).toBe(false);
  });
});
