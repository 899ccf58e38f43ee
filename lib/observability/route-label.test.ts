import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_TEMPLATES, routeLabel } from "./route-label";

/** Every app/api route file as a template (`[id]` → `:id`), except next-auth's catch-all. */
function routeFiles(dir: string, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts") out.push(`/${prefix.join("/")}`);
    if (entry.isDirectory() && !entry.name.startsWith("[...")) {
      const seg = entry.name.replace(/^\[(\w+)\]$/, ":$1");
      out.push(...routeFiles(path.join(dir, entry.name), [...prefix, seg]));
    }
  }
  return out;
}

describe("routeLabel", () => {
  it("knows every API route that goes through apiRoute", () => {
    const files = routeFiles(path.join(process.cwd(), "app/api"), ["api"]).filter((r) => r !== "/api/metrics");
    expect([...ROUTE_TEMPLATES].sort()).toEqual(files.sort());
  });

  it("maps ids to their parameter, never into the label", () => {
    expect(routeLabel("/api/v1/onboarding/cmabc123xyz/bootstrap")).toBe("/api/v1/onboarding/:id/bootstrap");
    expect(routeLabel("/api/v1/onboarding/cmabc123xyz")).toBe("/api/v1/onboarding/:id");
    expect(routeLabel("/api/v1/members/u_1")).toBe("/api/v1/members/:userId");
  });

  it("prefers a static segment over a parameter", () => {
    expect(routeLabel("/api/v1/onboarding/slug-availability")).toBe("/api/v1/onboarding/slug-availability");
    expect(routeLabel("/api/v1/invitations/lookup")).toBe("/api/v1/invitations/lookup");
  });

  it("counts unknown paths under one label", () => {
    expect(routeLabel("/api/v1/nope/123")).toBe("unmatched");
    expect(routeLabel("/api/v1/onboarding/a/b/c/d")).toBe("unmatched");
  });
});
