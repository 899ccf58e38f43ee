import { describe, expect, it } from "vitest";
import { idParams } from "@/lib/api/define-route";
import { newId } from "./ids";

describe("newId", () => {
  it("looks like Prisma's cuid() and passes the API's id check", () => {
    const id = newId();
    expect(id).toMatch(/^c[0-9a-z]{24}$/);
    expect(idParams.safeParse({ id }).success).toBe(true);
  });

  it("does not repeat, and a later id sorts after an earlier one", async () => {
    const ids = new Set(Array.from({ length: 20_000 }, newId));
    expect(ids.size).toBe(20_000);
    const first = newId();
    await new Promise((r) => setTimeout(r, 5));
    expect(newId().slice(0, 10) > first.slice(0, 10)).toBe(true);
  });
});
