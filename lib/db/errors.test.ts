import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { isDatabaseUnavailable, isUniqueViolation } from "./errors";

describe("isDatabaseUnavailable", () => {
  it("recognises connectivity failures however they are wrapped", () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
          code: "P2028",
        }),
      ),
    ).toBe(true);
    const adapter = { name: "DriverAdapterError", message: "x", cause: { kind: "postgres", originalCode: "08006" } };
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("Database error"), { code: "P2010", meta: { driverAdapterError: adapter } }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(new Error("wrapped", { cause: new Error("Connection terminated unexpectedly") })),
    ).toBe(true);
  });

  it("does not treat data errors or plain bugs as an outage", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    const loop: { cause?: unknown; message: string } = { message: "loop" };
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });
});

describe("isUniqueViolation", () => {
  const known = (code: string, meta: Record<string, unknown>) =>
    new Prisma.PrismaClientKnownRequestError("refused", { code, clientVersion: "7", meta });

  it("recognises a model query's P2002 and a raw statement's 23505, by constraint", () => {
    expect(isUniqueViolation(known("P2002", { target: ["activeKey"] }), "activeKey")).toBe(true);
    // What a raw statement through the pg adapter throws (seen against PostgreSQL 18).
    const raw = known("P2010", {
      driverAdapterError: {
        cause: {
          originalCode: "23505",
          kind: "UniqueConstraintViolation",
          constraint: { index: "OperationRun_activeKey_key" },
        },
      },
    });
    expect(isUniqueViolation(raw, "activeKey")).toBe(true);
    expect(isUniqueViolation(raw, "slug")).toBe(false);
  });

  it("is false for other failures", () => {
    expect(isUniqueViolation(known("P2010", { driverAdapterError: { cause: { originalCode: "23503" } } }))).toBe(false);
    expect(isUniqueViolation(new Error("duplicate key value violates unique constraint"))).toBe(false);
  });
});
