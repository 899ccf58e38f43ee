// Seeds one workspace with `sessions` onboardings spread over the last 120 days, in SQL
// (generate_series; ~1 minute for 100,000 on this machine), shaped like a busy workspace:
// a tenth each stop at Identify, Connect and a blocked Verify Access, a tenth fail their
// bootstrap (two reason codes), the rest complete and most are activated. Every Verify Access
// run has its 2 steps and every bootstrap its 5, with durations. `activeRuns` more onboardings
// have a bootstrap running now (a tenth of them stalled), for the metrics scrape.
import type pg from "pg";

export async function seedInsights(
  client: pg.Client,
  opts: { sessions: number; activeRuns: number },
): Promise<{ workspaceId: string }> {
  const workspaceId = "ws_insights_bench";
  await client.query(
    `INSERT INTO "Workspace" (id, slug, name) VALUES ($1, 'insights-bench', 'Insights bench') ON CONFLICT DO NOTHING`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO "User" (id, email) VALUES ('u_insights_bench', 'insights-bench@bench.local') ON CONFLICT DO NOTHING`,
  );
  const total = opts.sessions + opts.activeRuns;
  // g: 0..total-1; the last activeRuns are the ones running now. Shape by g % 10.
  await client.query(
    `INSERT INTO "OnboardingSession" (id, "workspaceId", "platformName", slug, tier, "userId", steps, status, "lifecycleState",
       "currentCheckpoint", "lastCompletedCheckpoint", "reasonCode", "createdAt", "updatedAt", "completedAt", "activatedAt")
     SELECT 'is_' || g, $1, 'Platform ' || g, 'bench-' || g, 'starter', 'u_insights_bench', '[]'::jsonb,
       (CASE WHEN g >= $2 THEN 'in_progress' WHEN g % 10 < 3 THEN 'pending' WHEN g % 10 = 3 THEN 'failed' ELSE 'completed' END)::"SessionStatus",
       (CASE WHEN g >= $2 THEN 'bootstrapping' WHEN g % 10 < 2 THEN 'draft' WHEN g % 10 = 2 THEN 'action_required' WHEN g % 10 = 3 THEN 'bootstrap_failed'
             WHEN g % 10 < 6 THEN 'ready_for_activation' ELSE 'active' END)::"LifecycleState",
       (CASE WHEN g >= $2 THEN 'bootstrap' WHEN g % 10 = 0 THEN 'identify' WHEN g % 10 = 1 THEN 'connect' WHEN g % 10 = 2 THEN 'verify_access'
             WHEN g % 10 = 3 THEN 'bootstrap' ELSE 'activate' END)::"Checkpoint",
       NULL, NULL, t, t,
       CASE WHEN g < $2 AND g % 10 >= 4 THEN t + interval '20 minutes' END,
       CASE WHEN g < $2 AND g % 10 >= 6 THEN t + interval '2 hours' END
     FROM generate_series(0, $3 - 1) g, LATERAL (SELECT now() - (CASE WHEN g >= $2 THEN interval '1 minute' ELSE ($2 - g) * interval '120 days' / $2 END) AS t) x`,
    [workspaceId, opts.sessions, total],
  );
  // Verify Access: every onboarding past Connect; blocked for g % 10 = 2.
  await client.query(
    `INSERT INTO "OperationRun" (id, "workspaceId", "sessionId", kind, status, outcome, "reasonCode", "createdAt", "startedAt", "finishedAt", "updatedAt")
     SELECT 'iv_' || g, $1, 'is_' || g, 'verify_access', 'completed', (CASE WHEN g % 10 = 2 AND g < $2 THEN 'blocked' ELSE 'succeeded' END)::"RunOutcome",
       CASE WHEN g % 10 = 2 AND g < $2 THEN 'access_blocked' END, s."createdAt" + interval '5 minutes', s."createdAt" + interval '301 seconds',
       s."createdAt" + interval '5 minutes' + (3 + g % 7) * interval '1 second', now()
     FROM generate_series(0, $3 - 1) g JOIN "OnboardingSession" s ON s.id = 'is_' || g WHERE g % 10 >= 2 OR g >= $2`,
    [workspaceId, opts.sessions, total],
  );
  await client.query(
    `INSERT INTO "OperationRunStep" (id, "runId", key, position, label, status, attempts, "startedAt", "finishedAt")
     SELECT r.id || '_' || k.pos, r.id, k.key, k.pos, k.key, 'succeeded', 1, r."startedAt", r."finishedAt"
     FROM "OperationRun" r CROSS JOIN (VALUES (0, 'check_infrastructure'), (1, 'check_repository')) k(pos, key)
     WHERE r."workspaceId" = $1 AND r.kind = 'verify_access'`,
    [workspaceId],
  );
  // Bootstrap: failed at setup_repo (g % 20 = 3) or provision_infra (g % 20 = 13); succeeded for g % 10 >= 4; running for the last activeRuns.
  await client.query(
    `INSERT INTO "OperationRun" (id, "workspaceId", "sessionId", kind, status, outcome, "reasonCode", "activeKey", health, "leaseOwner", "heartbeatAt",
       "createdAt", "startedAt", "finishedAt", "updatedAt")
     SELECT 'ib_' || g, $1, 'is_' || g, 'bootstrap',
       (CASE WHEN g >= $2 THEN 'running' ELSE 'completed' END)::"RunStatus",
       (CASE WHEN g >= $2 THEN NULL WHEN g % 10 = 3 THEN 'failed' ELSE 'succeeded' END)::"RunOutcome",
       CASE WHEN g < $2 AND g % 20 = 3 THEN 'step_failed:setup_repo' WHEN g < $2 AND g % 20 = 13 THEN 'step_failed:provision_infra' END,
       CASE WHEN g >= $2 THEN 'is_' || g || ':bootstrap' END,
       (CASE WHEN g >= $2 AND g % 10 = 0 THEN 'stalled' WHEN g >= $2 THEN 'healthy' END)::"RunHealth",
       CASE WHEN g >= $2 THEN 'bench-worker' END, CASE WHEN g >= $2 THEN now() END,
       s."createdAt" + interval '10 minutes', s."createdAt" + interval '10 minutes 1 second',
       CASE WHEN g < $2 THEN s."createdAt" + interval '10 minutes' + (20 + g % 40) * interval '1 second' END, now()
     FROM generate_series(0, $3 - 1) g JOIN "OnboardingSession" s ON s.id = 'is_' || g WHERE g % 10 >= 3 OR g >= $2`,
    [workspaceId, opts.sessions, total],
  );
  await client.query(
    `INSERT INTO "OperationRunStep" (id, "runId", key, position, label, status, attempts, "startedAt", "finishedAt", "errorCode")
     SELECT r.id || '_' || k.pos, r.id, k.key, k.pos, k.key, st.status::"StepStatus", CASE WHEN st.status = 'pending' THEN 0 ELSE 1 END,
       CASE WHEN st.status IN ('succeeded', 'failed') THEN r."startedAt" + k.pos * interval '6 seconds' END,
       CASE WHEN st.status IN ('succeeded', 'failed') THEN r."startedAt" + k.pos * interval '6 seconds' + (1 + (length(r.id) + k.pos) % 5) * interval '1 second' END,
       CASE WHEN st.status = 'failed' THEN 'simulated_failure' END
     FROM "OperationRun" r
     CROSS JOIN (VALUES (0, 'create_platform'), (1, 'provision_infra'), (2, 'setup_repo'), (3, 'deploy_services'), (4, 'verify')) k(pos, key)
     CROSS JOIN LATERAL (SELECT CASE
       WHEN r.status = 'running' THEN CASE WHEN k.pos < 2 THEN 'succeeded' WHEN k.pos = 2 THEN 'running' ELSE 'pending' END
       WHEN r."reasonCode" = 'step_failed:setup_repo' THEN CASE WHEN k.pos < 2 THEN 'succeeded' WHEN k.pos = 2 THEN 'failed' ELSE 'skipped' END
       WHEN r."reasonCode" = 'step_failed:provision_infra' THEN CASE WHEN k.pos < 1 THEN 'succeeded' WHEN k.pos = 1 THEN 'failed' ELSE 'skipped' END
       ELSE 'succeeded' END AS status) st
     WHERE r."workspaceId" = $1 AND r.kind = 'bootstrap'`,
    [workspaceId],
  );
  await client.query(`ANALYZE`);
  return { workspaceId };
}
