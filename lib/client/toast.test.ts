import { describe, expect, it } from "vitest";
import { dismissToast, getToasts, runQueuedToast, subscribeToasts, toast } from "./toast";

describe("toasts", () => {
  it("says what was queued, that the page may be left, and links the run", () => {
    expect(runQueuedToast({ id: "r1", kind: "verify_access" }, false)).toEqual({
      message: "Verification queued — you can leave this page",
      href: "/runs/r1",
      linkLabel: "View run",
    });
    expect(runQueuedToast({ id: "r2", kind: "bootstrap", attempt: 2 }, false).message).toBe(
      "Bootstrap resumed — you can leave this page",
    );
    expect(runQueuedToast({ id: "r3", kind: "deprovision" }, true).message).toBe(
      "Deprovisioning is already running — you can leave this page",
    );
  });

  it("keeps the newest four and tells subscribers", () => {
    const seen: number[] = [];
    const stop = subscribeToasts((t) => seen.push(t.length));
    const ids = [1, 2, 3, 4, 5].map((i) => toast({ message: `m${i}` }));
    expect(getToasts().map((t) => t.message)).toEqual(["m2", "m3", "m4", "m5"]);
    dismissToast(ids[4]);
    expect(getToasts().map((t) => t.message)).toEqual(["m2", "m3", "m4"]);
    stop();
    expect(seen.at(-1)).toBe(3);
  });
});
