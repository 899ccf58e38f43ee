// The admin CLI as operators and automation use it: a real process against the test database.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { db } from "@/lib/db/client";
import { hashToken } from "@/lib/auth/api-token";
import * as health from "@/app/api/health/route";
import { callRoute } from "@/test/fixtures";

function admin(...args: string[]) {
  const res = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/admin.ts", ...args],
    {
      env: { ...process.env },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const suffix = () => Math.random().toString(36).slice(2, 8);

describe("npm run admin", () => {
  it("creates a user, workspace and membership idempotently", async () => {
    const email = `cli-${suffix()}@example.test`;
    const ws = `cli-${suffix()}`;
    const first = admin(
      "user",
      "create",
      "--email",
      email,
      "--password",
      "long-enough-pw",
      "--workspace",
      ws,
      "--role",
      "admin",
    );
    expect(first.code, first.stderr).toBe(0);
    const again = admin(
      "user",
      "create",
      "--email",
      email,
      "--password",
      "long-enough-pw",
      "--workspace",
      ws,
      "--role",
      "owner",
    );
    expect(again.code, again.stderr).toBe(0);
    const user = await db().user.findUniqueOrThrow({
      where: { email },
      include: { memberships: { include: { workspace: true } } },
    });
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({ role: "owner", workspace: { slug: ws } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
  }, 120_000);

  it("prints only a new token on stdout, stored hashed, and revokes it", async () => {
    const email = `bot-${suffix()}@example.test`;
    const res = admin("token", "create", "--email", email, "--workspace", `bots-${suffix()}`, "--role", "operator");
    expect(res.code, res.stderr).toBe(0);
    const token = res.stdout.trim();
    expect(token).toMatch(/^onr_[A-Za-z0-9_-]{40,}$/);
    expect(res.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    const record = await db().apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(record.role).toBe("operator");
    expect(JSON.stringify(await db().apiToken.findMany())).not.toContain(token);
    const revoke = admin("token", "revoke", "--id", record.id);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: record.id } })).revokedAt).not.toBeNull();
  }, 120_000);

  it("fails clearly and changes nothing on bad arguments", async () => {
    const before = await db().user.count();
    for (const args of [
      [
        "user",
        "create",
        "--email",
        "not-an-email",
        "--password",
        "long-enough-pw",
        "--workspace",
        "x",
        "--role",
        "owner",
      ],
      [
        "user",
        "create",
        "--email",
        `a-${suffix()}@example.test`,
        "--password",
        "short",
        "--workspace",
        "x",
        "--role",
        "owner",
      ],
      [
        "user",
        "create",
        "--email",
        `a-${suffix()}@example.test`,
        "--password",
        "long-enough-pw",
        "--workspace",
        "x",
        "--role",
        "emperor",
      ],
      ["token", "create", "--email", `a-${suffix()}@example.test`, "--workspace", "Bad Slug", "--role", "owner"],
      ["frobnicate"],
      ["user", "create", "--unknown-flag"],
    ]) {
      const res = admin(...args);
      expect(res.code, args.join(" ")).not.toBe(0);
      expect(res.stderr).toMatch(/admin: .+/);
      expect(res.stdout).toBe("");
    }
    expect(await db().user.count()).toBe(before);
  }, 180_000);

  it("lists workspaces", () => {
    const res = admin("workspace", "list");
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/members=\d+\tonboardings=\d+/);
  }, 60_000);
});

describe("GET /api/health", () => {
  it("reports the database reachable and no pending migrations", async () => {
    const res = await callRoute(health.GET, { url: "http://localhost/api/health" });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({ status: "ok", database: "reachable", migrations: { pending: [] } });
    expect(body.migrations.applied).toBeGreaterThanOrEqual(1);
  });
});
