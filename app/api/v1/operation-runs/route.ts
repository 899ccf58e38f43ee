// GET /api/v1/operation-runs — every run of the workspace, newest first (?kind=&status=&outcome=&sessionId=, cursor pagination)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { listOperationRunsQuery } from "@/lib/operations/schemas";
import { listOperationRuns } from "@/lib/operations/list-operation-runs";

export const GET = apiRoute({ query: listOperationRunsQuery }, async ({ actor, req, query }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listOperationRuns(workspaceId, query));
});
