"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api, ApiProblem } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { InvitationCreated, Role } from "@/lib/client/types";
import { ROLES } from "@/lib/auth/capabilities";
import { statusLabel } from "../status-badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Field, Input, Select } from "../ui/field";
import { FormProblem, SecretOnce } from "./shared";

export const ROLE_HELP: Record<Role, string> = {
  owner: "Everything, including owners",
  admin: "Everything except the owner role",
  operator: "Create and run onboardings",
  viewer: "Read only",
};

/** Invite by email: the link is shown once here (and mailed when the server has SMTP). */
export function InviteMemberForm({ callerRole }: { callerRole: Role | null }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  // Only owners grant the owner role; the server refuses it too.
  const roles = ROLES.filter((r) => r !== "owner" || callerRole === "owner");

  const create = useMutation({
    mutationFn: () => api.createInvitation({ email: email.trim(), role }),
    onSuccess: (result) => {
      setCreated(result);
      setEmail("");
      void refetchAfterWrite(qc, queryKeys.settings.invitations());
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (email.trim()) create.mutate();
  };

  return (
    <Card>
      <CardHeader
        title="Invite member"
        description="They get a one-time link to create an account (or accept with the one they have). Links expire after 7 days."
      />
      <CardBody className="space-y-4">
        {created ? (
          <SecretOnce
            title={`Invitation for ${created.invitation.email}: copy the link now`}
            value={created.inviteUrl}
            onDone={() => setCreated(null)}
          >
            <p>
              {created.emailed
                ? `We also emailed it to ${created.invitation.email}. `
                : "Send it to them yourself (no mail server is configured, or it did not accept the message). "}
              It is shown only this once and works once.
            </p>
          </SecretOnce>
        ) : null}
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Invite member">
          <FormProblem problem={problem} shownFields={["email", "role"]} />
          <div className="grid gap-4 sm:grid-cols-[1fr_14rem_auto] sm:items-start">
            <Field label="Email" error={problem?.fieldError("email")}>
              {({ id, describedBy, invalid }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  type="email"
                  autoComplete="off"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              )}
            </Field>
            <Field label="Role" hint={ROLE_HELP[role]} error={problem?.fieldError("role")}>
              {({ id, describedBy }) => (
                <Select
                  id={id}
                  aria-describedby={describedBy}
                  value={role}
                  onChange={(e) => setRole(e.target.value as Role)}
                >
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {statusLabel("role", r)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Button type="submit" className="sm:mt-7" loading={create.isPending} disabled={!email.trim()}>
              Send invitation
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
