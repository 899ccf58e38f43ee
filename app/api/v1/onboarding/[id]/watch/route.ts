// GET /api/v1/onboarding/:id/watch — a wizard tab's one poll while a checkpoint is active:
// the session, its runs with steps and the log's new lines, with ETag (If-None-Match → 304)
import { handle, json, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { loadWatch, watchEtag } from "@/lib/onboarding/watch";

export const GET = handle(routes.watchOnboarding, async ({ req, record, workspace, query }) => {
  // The wrapper loaded the tag to authorize: a tick that changed nothing ends here.
  const etag = watchEtag(record, workspace.role);
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
    return noContent(routes.watchOnboarding, 304, { etag, "cache-control": "no-cache" });
  }
  return json(routes.watchOnboarding, await loadWatch(record, workspace.role, query.logAfter), {
    headers: { etag, "cache-control": "no-cache" },
  });
});
