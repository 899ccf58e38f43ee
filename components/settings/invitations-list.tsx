"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { Invitation, InvitationState } from "@/lib/client/types";
import { StatusBadge } from "../status-badge";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { EmptyState } from "../ui/empty-state";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";

const STATE_LOOK: Record<InvitationState, { label: string; tone: Tone }> = {
  pending: { label: "Pending", tone: "info" },
  accepted: { label: "Accepted", tone: "success" },
  revoked: { label: "Revoked", tone: "muted" },
  expired: { label: "Expired", tone: "warning" },
};

function When({ invitation: i }: { invitation: Invitation }) {
  if (i.state === "accepted")
    return (
      <>
        accepted <RelativeTime iso={i.acceptedAt} />
      </>
    );
  if (i.state === "revoked")
    return (
      <>
        revoked <RelativeTime iso={i.revokedAt} />
      </>
    );
  if (i.state === "expired")
    return (
      <>
        expired <RelativeTime iso={i.expiresAt} />
      </>
    );
  return (
    <>
      expires <RelativeTime iso={i.expiresAt} />
    </>
  );
}

/** Pending invitations (revocable) and the ones that ended lately, newest first. */
export function InvitationsList() {
  const qc = useQueryClient();
  const invitations = useQuery({
    queryKey: queryKeys.settings.invitations(),
    queryFn: ({ signal }) => api.invitations(signal),
  });
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeInvitation(id),
    onSuccess: () => {
      setRevoking(null);
      void refetchAfterWrite(qc, queryKeys.settings.invitations());
    },
  });

  return (
    <Card aria-labelledby="invitations-heading">
      <CardHeader
        id="invitations-heading"
        title="Pending invitations"
        description="Links not yet used, and those accepted, revoked or expired in the last 30 days."
      />
      {invitations.isPending ? (
        <LoadingBlock lines={3} className="p-5" label="Loading invitations…" />
      ) : invitations.isError ? (
        <div className="p-5">
          <QueryError error={invitations.error} onRetry={() => void invitations.refetch()} what="the invitations" />
        </div>
      ) : invitations.data.items.length === 0 ? (
        <EmptyState title="No invitations">
          Invite someone above; their invitation shows here until it is used.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="invitations">
          {invitations.data.items.map((i) => (
            <li
              key={i.id}
              className="flex flex-wrap items-center gap-3 px-5 py-3"
              data-testid="invitation"
              data-state={i.state}
            >
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium text-slate-900">{i.email}</p>
                <p className="truncate text-xs text-slate-500">
                  {i.invitedByEmail ? `by ${i.invitedByEmail} · ` : ""}
                  <When invitation={i} />
                </p>
              </div>
              <StatusBadge kind="role" value={i.role} />
              <Badge tone={STATE_LOOK[i.state].tone}>{STATE_LOOK[i.state].label}</Badge>
              {i.state === "pending" ? (
                <Button
                  variant="ghost"
                  size="sm"
                  className="text-red-700 hover:bg-red-50"
                  onClick={() => setRevoking(i)}
                >
                  Revoke<span className="sr-only"> the invitation of {i.email}</span>
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={!!revoking}
        title={`Revoke the invitation of ${revoking?.email ?? ""}?`}
        description="The link stops working at once. You can invite them again later."
        confirmLabel="Revoke invitation"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
      />
    </Card>
  );
}
