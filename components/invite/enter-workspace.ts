import { setWorkspace } from "@/lib/client/api";
import type { InvitationAccepted } from "@/lib/client/types";

const DASHBOARD = "/";

/** Into the workspace just joined: a full navigation, so the server sees the new session cookie. */
export function enterWorkspace(result: InvitationAccepted): void {
  setWorkspace(result.workspace.slug);
  // A full load on purpose: the router would keep the signed-out render of the server tree.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(DASHBOARD);
}
