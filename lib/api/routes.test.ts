// Every route file's exports are bound to declarations, and every declaration to a route file,
// at the path the file lives at: the list in lib/api/routes cannot drift from app/api.
import { describe, expect, it } from "vitest";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { declaredRoutes } from "./openapi";
import type { AnyRoute } from "./define-route";

/**
 * Not part of the JSON API: next-auth's own endpoints, the Prometheus scrape endpoint
 * (text format, its own METRICS_TOKEN, no user or workspace — see app/api/metrics/route.ts),
 * and the bench's framework floor (404 unless ONRAMP_BENCH_FLOOR is set — app/api/bench-floor).
 */
const NOT_OURS = [
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/metrics/route.ts",
  "app/api/bench-floor/[id]/route.ts",
];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    return statSync(p).isDirectory() ? routeFiles(p) : entry === "route.ts" ? [p.replace(/\\/g, "/")] : [];
  });
}

/** app/api/v1/onboarding/[id]/route.ts → /api/v1/onboarding/{id} */
const pathOf = (file: string) =>
  "/" +
  path.posix
    .dirname(file)
    .replace(/^app\//, "")
    .replace(/\[(\w+)\]/g, "{$1}");

describe("route declarations ↔ route files", async () => {
  const files = routeFiles("app/api").filter((f) => !NOT_OURS.includes(f));
  const modules = await Promise.all(
    files.map(async (file) => ({ file, mod: (await import(`@/${file}`)) as Record<string, unknown> })),
  );
  const bindings = modules.flatMap(({ file, mod }) =>
    Object.entries(mod)
      .filter(([name]) => METHODS.includes(name))
      .map(([method, handler]) => ({ file, method, route: (handler as { route?: AnyRoute }).route })),
  );

  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(30);
    expect(bindings.length).toBeGreaterThan(40);
  });

  it("binds every exported method to a declaration of that method and the file's path", () => {
    const wrong = bindings
      .filter(({ file, method, route }) => !route || route.method !== method || route.path !== pathOf(file))
      .map(
        ({ file, method, route }) =>
          `${method} ${file} → ${route ? `${route.method} ${route.path}` : "no declaration (use handle(routes.x, …))"}`,
      );
    expect(wrong).toEqual([]);
  });

  it("binds every declaration to exactly one route file export", () => {
    const declared = declaredRoutes();
    const problems = declared.flatMap(([name, route]) => {
      const count = bindings.filter((b) => b.route === route).length;
      return count === 1 ? [] : [`${name} (${route.method} ${route.path}) is bound ${count} times`];
    });
    expect(problems).toEqual([]);
    expect(new Set(declared.map(([, r]) => `${r.method} ${r.path}`)).size).toBe(declared.length);
  });

  it("gives every route with an :id path parameter and record access an id parameter schema", () => {
    const missing = declaredRoutes()
      .filter(
        ([, r]) =>
          "scope" in r.access &&
          r.access.scope === "record" &&
          !(r.params && "shape" in r.params && "id" in (r.params.shape as object)),
      )
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
