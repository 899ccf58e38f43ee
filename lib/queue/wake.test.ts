import { describe, expect, it } from "vitest";
import { nextIdleConsumer } from "./wake";

describe("nextIdleConsumer", () => {
  const ids = ["a", "b", "c"];

  it("goes round robin over idle consumers", () => {
    const busy = new Set<string>();
    let cursor = 0;
    const woken: string[] = [];
    for (let i = 0; i < 4; i++) {
      const next = nextIdleConsumer(ids, busy, cursor)!;
      woken.push(next.id);
      cursor = next.cursor;
    }
    expect(woken).toEqual(["a", "b", "c", "a"]);
  });

  it("skips busy consumers, whatever the cursor points at", () => {
    expect(nextIdleConsumer(ids, new Set(["b"]), 1)).toEqual({ id: "c", cursor: 3 });
    expect(nextIdleConsumer(ids, new Set(["b", "c"]), 1)).toEqual({ id: "a", cursor: 1 });
    expect(nextIdleConsumer(ids, new Set(["a"]), 3)).toEqual({ id: "b", cursor: 2 });
  });

  it("wakes none when every consumer is busy, or there are none", () => {
    expect(nextIdleConsumer(ids, new Set(ids), 0)).toBeNull();
    expect(nextIdleConsumer([], new Set(), 0)).toBeNull();
  });
});
