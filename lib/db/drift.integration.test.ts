import { readFile } from "node:fs/promises";
import { describe, expect, inject, it } from "vitest";
import { checkDrift } from "./drift";
import { defaultSchemaPath } from "./migrate";

const serverUrl = inject("databaseServerUrl");

describe("checkDrift", () => {
  it("finds no difference between the migrations and prisma/schema.prisma", async () => {
    // If this fails after a schema change: npm run db:new-migration -- <name>
    expect(await checkDrift(serverUrl)).toEqual([]);
  });

  it("reports a schema change that has no migration", async () => {
    const schema = await readFile(defaultSchemaPath(), "utf8");
    const altered = schema
      .replace(/model Workspace \{/, 'model Workspace {\n  plan String @default("free")')
      .replace(/enum Tier \{/, "enum Tier {\n  enterprise")
      .replace(/@@index\(\[workspaceId, status\]\)/, "");
    expect(altered).not.toBe(schema);

    const diffs = await checkDrift(serverUrl, { schemaText: altered });
    expect(diffs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^column "Workspace"\.plan: in schema\.prisma but not created by the migrations/),
        expect.stringMatching(
          /^enum "Tier": migrations give "starter, growth, scale", schema\.prisma gives "enterprise, starter, growth, scale"/,
        ),
        expect.stringMatching(
          /^index "OnboardingSession"\."OnboardingSession_workspaceId_status_idx": created by the migrations but not in schema\.prisma/,
        ),
      ]),
    );
    expect(diffs).toHaveLength(3);
  });
});
