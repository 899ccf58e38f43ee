import { describe, expect, it } from "vitest";
import { isFreshEnough } from "./session-freshness";

const at = (version: number, updatedAt: string) => ({ version, updatedAt });

describe("isFreshEnough", () => {
  it("keeps the higher version, whatever the clock says", () => {
    expect(isFreshEnough(at(3, "2026-12-02T10:00:05.000Z"), at(4, "2026-12-02T10:00:00.000Z"))).toBe(true);
    expect(isFreshEnough(at(4, "2026-12-02T10:00:00.000Z"), at(3, "2026-12-02T10:00:05.000Z"))).toBe(false);
  });

  it("takes run progress of the same version (a later updatedAt), not an older copy of it", () => {
    expect(isFreshEnough(at(5, "2026-12-02T10:00:00.000Z"), at(5, "2026-12-02T10:00:01.000Z"))).toBe(true);
    expect(isFreshEnough(at(5, "2026-12-02T10:00:01.000Z"), at(5, "2026-12-02T10:00:00.000Z"))).toBe(false);
    expect(isFreshEnough(at(5, "2026-12-02T10:00:01.000Z"), at(5, "2026-12-02T10:00:01.000Z"))).toBe(true);
  });

  it("takes anything when nothing is cached", () => {
    expect(isFreshEnough(undefined, at(1, "2026-12-02T10:00:00.000Z"))).toBe(true);
  });
});
