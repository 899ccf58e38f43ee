import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, keysetWhere } from "./cursor";
import { ApiError } from "./errors";

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("cursor", () => {
  it("round-trips a row", () => {
    const row = { createdAt: new Date("2026-01-02T03:04:05.678Z"), id: "cm0abc_12-x" };
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
  });

  it.each([
    ["year 0", ["0000-01-01T00:00:00.000Z", "x"]],
    ["a negative year", ["-000001-01-01T00:00:00.000Z", "x"]],
    ["a year past 9999", ["+010000-01-01T00:00:00.000Z", "x"]],
    ["an absurd year", ["+275760-09-13T00:00:00.000Z", "x"]],
    ["before 1970", ["1969-12-31T23:59:59.999Z", "x"]],
    ["not a date", ["tomorrow", "x"]],
    ["a number for the date", [0, "x"]],
    ["no id", ["2026-01-01T00:00:00.000Z"]],
    ["an id with a lone surrogate", ["2026-01-01T00:00:00.000Z", "\ud800"]],
    ["an empty id", ["2026-01-01T00:00:00.000Z", ""]],
    ["an object", { createdAt: "2026-01-01T00:00:00.000Z", id: "x" }],
    ["null", null],
  ])("refuses %s with a validation error on `cursor`", (_what, value) => {
    let caught: unknown;
    try {
      decodeCursor(raw(value));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBeLessThan(500);
    expect((caught as ApiError).fields?.[0]?.field).toBe("cursor");
  });

  it("refuses garbage that is not base64 JSON", () => {
    expect(() => keysetWhere("%%%")).toThrow(ApiError);
    expect(() => keysetWhere("")).not.toThrow();
  });

  it("accepts the bounds 1970 and 9999", () => {
    expect(decodeCursor(raw(["1970-01-01T00:00:00.000Z", "a"])).createdAt.getTime()).toBe(0);
    expect(decodeCursor(raw(["9999-12-31T23:59:59.999Z", "a"])).createdAt.getUTCFullYear()).toBe(9999);
  });
});
