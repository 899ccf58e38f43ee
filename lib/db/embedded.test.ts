import { describe, expect, it } from "vitest";
import { redactUrl, withDatabase } from "./embedded";

describe("database URL helpers", () => {
  it("switches the database, keeping server and credentials", () => {
    expect(withDatabase("postgresql://postgres:s3cret@127.0.0.1:5433/onramp?sslmode=disable", "onramp_test_1")).toBe(
      "postgresql://postgres:s3cret@127.0.0.1:5433/onramp_test_1?sslmode=disable",
    );
  });

  it("never shows the password", () => {
    expect(redactUrl("postgresql://postgres:s3cret@127.0.0.1:5433/onramp")).toBe(
      "postgresql://postgres:***@127.0.0.1:5433/onramp",
    );
    expect(redactUrl("not a url")).not.toContain("not a url");
  });
});
