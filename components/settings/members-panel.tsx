"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api } from "@/lib/client/api";
import { useCan, useMe } from "@/lib/client/hooks/use-me";
import { queryKeys } from "@/lib/client/query-keys";
import type { Member, Role } from "@/lib/client/types";
import { ROLES } from "@/lib/auth/capabilities";
import { StatusBadge, statusLabel } from "../status-badge";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Select } from "../ui/field";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { InvitationsList } from "./invitations-list";
import { InviteMemberForm } from "./invite-member-form";

export function MembersPanel() {
  const qc = useQueryClient();
  const me = useMe();
  const { can } = useCan();
  const members = useQuery({ queryKey: queryKeys.settings.members(), queryFn: ({ signal }) => api.members(signal) });
  const manage = can("members");
  const [removing, setRemoving] = useState<Member | null>(null);

  const refresh = () => void refetchAfterWrite(qc, queryKeys.settings.members());
  const change = useMutation({
    mutationFn: (v: { userId: string; role: Role }) => api.changeRole(v.userId, v.role),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.removeMember(userId),
    onSuccess: () => {
      setRemoving(null);
      refresh();
    },
  });

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Members" description="Roles decide what each operator may do in this workspace." />
        {members.isPending ? (
          <LoadingBlock lines={4} className="p-5" label="Loading members…" />
        ) : members.isError ? (
          <div className="p-5">
            <QueryError error={members.error} onRetry={() => void members.refetch()} what="the members" />
          </div>
        ) : (
          <ul className="divide-y divide-slate-100">
            {members.data.items.map((m) => {
              const self = m.userId === me.data?.user.id;
              return (
                <li key={m.userId} className="flex flex-wrap items-center gap-3 px-5 py-3">
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-slate-900">
                      {m.name ?? m.email} {self ? <span className="font-normal text-slate-500">(you)</span> : null}
                    </p>
                    <p className="truncate text-xs text-slate-500">
                      {m.name ? `${m.email} · ` : ""}joined <RelativeTime iso={m.joinedAt} />
                    </p>
                  </div>
                  {manage ? (
                    <label className="w-36">
                      <span className="sr-only">Role of {m.email}</span>
                      <Select
                        value={m.role}
                        disabled={change.isPending}
                        onChange={(e) => change.mutate({ userId: m.userId, role: e.target.value as Role })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {statusLabel("role", r)}
                          </option>
                        ))}
                      </Select>
                    </label>
                  ) : (
                    <StatusBadge kind="role" value={m.role} />
                  )}
                  {manage ? (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => setRemoving(m)}
                    >
                      Remove<span className="sr-only"> {m.email}</span>
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {change.error ? (
          <div className="px-5 pb-4">
            <Alert tone="danger" role="alert">
              {(change.error as Error).message}
            </Alert>
          </div>
        ) : null}
      </Card>

      {manage ? (
        <>
          <InviteMemberForm callerRole={me.data?.role ?? null} />
          <InvitationsList />
        </>
      ) : null}

      <ConfirmDialog
        open={!!removing}
        title={`Remove ${removing?.email ?? ""}?`}
        description="They lose access to this workspace at once, and their API tokens here are revoked."
        confirmLabel="Remove member"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.userId)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
      />
    </div>
  );
}
