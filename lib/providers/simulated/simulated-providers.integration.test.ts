// The simulated provider behaves like a real one against PostgreSQL: a resource is created once,
// a second create (a retried step, or a racing worker) answers "already exists" with the row that
// is there, and what was created is what its checks find.
import { beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceWithMember, uniqueId } from "@/test/fixtures";
import { db } from "@/lib/db/client";
import type { ProviderContext } from "../types";
import { createSimulatedInfra, createSimulatedRepository } from "./simulated-providers";

let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await createWorkspaceWithMember("owner")).workspace.id;
});

function context(slug: string) {
  const lines: string[] = [];
  const ctx: ProviderContext = {
    workspaceId,
    platformSlug: slug,
    platformName: "Sim",
    tier: "growth",
    stackTemplateId: null,
    signal: new AbortController().signal,
    log: (m) => lines.push(m),
  };
  return { ctx, lines };
}

const rows = (name: string) => db().simulatedResource.findMany({ where: { workspaceId, name } });

describe("simulated resources", () => {
  it("are created once; a second create reports the one already there", async () => {
    const slug = uniqueId("sim");
    const repo = createSimulatedRepository({ stepDelayMs: 0 });
    const first = context(slug);
    expect((await repo.createRepository(first.ctx)).alreadyExisted).toBe(false);
    expect(first.lines.join("\n")).not.toMatch(/already exists/);
    const again = context(slug);
    const second = await repo.createRepository(again.ctx);
    expect(second.alreadyExisted).toBe(true);
    expect(second.fullName).toBe(`onramp-sim/${slug}`);
    expect(again.lines).toContain(`repository ${slug} already exists (409); reusing it`);
    const [row] = await rows(slug);
    expect(row).toMatchObject({
      kind: "repository",
      data: { fullName: `onramp-sim/${slug}`, template: "onramp/stack-starter" },
    });
    // The template check now says the name is ours, not free.
    const checks = await repo.verifyAccess(context(slug).ctx);
    expect(checks.find((c) => c.key === "slug_available")?.message).toMatch(/Already created by Onramp/);
  });

  it("racing creates end as one row: one creator, the others told it exists, all with its id", async () => {
    const slug = uniqueId("race");
    const infra = createSimulatedInfra({ stepDelayMs: 0 });
    const recorded: { externalId: string; alreadyExisted: boolean }[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        infra.provision(context(slug).ctx, { record: async (r) => void recorded.push(r) }),
      ),
    );
    expect(results.filter((r) => !r.alreadyExisted)).toHaveLength(1);
    const found = await rows(slug);
    expect(found).toHaveLength(1);
    expect(new Set(recorded.map((r) => r.externalId))).toEqual(new Set([found[0].id]));
    expect(found[0].createdAt).toBeInstanceOf(Date);
    expect(Math.abs(found[0].createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await infra.verify(context(slug).ctx, [])).toMatchObject({ ok: true });
    expect(await infra.verify(context(uniqueId("none")).ctx, [])).toMatchObject({ ok: false });
  });

  it("a deployment is found with the URL it was created with", async () => {
    const slug = uniqueId("dep");
    const repo = createSimulatedRepository({ stepDelayMs: 0 });
    const info = await repo.createRepository(context(slug).ctx);
    const deployment = await repo.deploy(context(slug).ctx, info);
    expect(deployment.alreadyExisted).toBe(false);
    expect((await repo.deploy(context(slug).ctx, info)).alreadyExisted).toBe(true);
    const live = await repo.verifyDeployment(context(slug).ctx, info, deployment);
    expect(live).toMatchObject({ ok: true, environmentUrl: `https://${slug}.pages.example.test` });
    await repo.deleteRepository(context(slug).ctx);
    expect(await repo.verifyDeployment(context(slug).ctx, info, deployment)).toMatchObject({ ok: false });
  });
});
