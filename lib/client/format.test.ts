import { describe, expect, it } from "vitest";
import { relativePastTime, relativeTime } from "./format";

const at = Date.parse("2026-12-03T08:00:00.000Z");

describe("relativePastTime", () => {
  it("reads an event written after the clock's last tick as just now, not in the future", () => {
    // Saved 12 s after the shared 30 s clock last ticked.
    expect(relativeTime("2026-12-03T08:00:12.000Z", at)).toBe("in a few seconds");
    expect(relativePastTime("2026-12-03T08:00:12.000Z", at)).toBe("just now");
  });

  it("ages like relativeTime for events before now", () => {
    expect(relativePastTime("2026-12-03T07:57:00.000Z", at)).toBe("3 minutes ago");
    expect(relativePastTime("2026-12-03T07:59:50.000Z", at)).toBe("just now");
    expect(relativePastTime(null, at)).toBe("—");
  });
});
