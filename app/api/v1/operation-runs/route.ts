// GET /api/v1/operation-runs — every run of the workspace, newest first (?kind=&status=&outcome=&sessionId=, cursor pagination)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listOperationRuns } from "@/lib/operations/list-operation-runs";

export const GET = handle(routes.listOperationRuns, async ({ workspace, query }) =>
  json(routes.listOperationRuns, await listOperationRuns(workspace.workspaceId, query)),
);
