"use client";

import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { api, errorMessage, isProblem } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { InvitationLookup } from "@/lib/client/types";
import { StatusBadge } from "../status-badge";
import { Alert } from "../ui/alert";
import { Button, ButtonLink } from "../ui/button";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { CreateAccountForm } from "./create-account-form";
import { enterWorkspace } from "./enter-workspace";

const ENDED: Record<Exclude<InvitationLookup["state"], "pending">, { title: string; body: string }> = {
  expired: {
    title: "This invitation has expired",
    body: "Invitations work for 7 days. Ask an admin of the workspace to invite you again.",
  },
  revoked: {
    title: "This invitation was revoked",
    body: "An admin of the workspace withdrew it. Ask them for a new invitation if you still need access.",
  },
  accepted: {
    title: "This invitation has already been used",
    body: "Each link works once. If it was you, sign in with that account.",
  },
};

export function InviteClient({ token, signedInEmail }: { token: string; signedInEmail: string | null }) {
  const lookup = useQuery({
    queryKey: queryKeys.invitation(token),
    queryFn: ({ signal }) => api.lookupInvitation(token, signal),
    retry: (count, err) => !(isProblem(err) && err.status < 500) && count < 2,
    refetchOnWindowFocus: false,
  });

  if (lookup.isPending) return <LoadingBlock lines={4} label="Loading the invitation…" />;
  if (lookup.isError) {
    const invalid = isProblem(lookup.error) && (lookup.error.status === 404 || lookup.error.status === 422);
    return (
      <>
        <h1 className="text-lg font-semibold text-slate-900">
          {invalid ? "This invitation link is not valid" : "Could not load the invitation"}
        </h1>
        <Alert
          tone={invalid ? "warning" : "danger"}
          role="alert"
          className="mt-4"
          actions={
            invalid ? undefined : (
              <Button variant="secondary" size="sm" onClick={() => void lookup.refetch()}>
                Try again
              </Button>
            )
          }
        >
          <p>
            {invalid
              ? "Check that you copied the whole link, or ask for a new invitation."
              : errorMessage(lookup.error)}
          </p>
        </Alert>
      </>
    );
  }

  const invite = lookup.data;
  return (
    <div data-testid="invite" data-state={invite.state}>
      <h1 className="text-lg font-semibold text-slate-900">Join {invite.workspaceName} on Onramp</h1>
      <dl className="mt-3 grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm">
        <dt className="text-slate-500">Invited</dt>
        <dd className="truncate font-medium text-slate-900">{invite.email}</dd>
        <dt className="text-slate-500">Role</dt>
        <dd>
          <StatusBadge kind="role" value={invite.role} />
        </dd>
        {invite.state === "pending" ? (
          <>
            <dt className="text-slate-500">Expires</dt>
            <dd className="text-slate-700">
              <RelativeTime iso={invite.expiresAt} />
            </dd>
          </>
        ) : null}
      </dl>
      <div className="mt-6">
        {invite.state !== "pending" ? (
          <Alert
            tone="warning"
            role="alert"
            title={ENDED[invite.state].title}
            actions={
              <ButtonLink href="/sign-in" variant="secondary" size="sm">
                Go to sign in
              </ButtonLink>
            }
          >
            <p>{ENDED[invite.state].body}</p>
          </Alert>
        ) : signedInEmail && signedInEmail.toLowerCase() !== invite.email ? (
          <Alert
            tone="warning"
            role="alert"
            title="You are signed in with another account"
            actions={
              <Button variant="secondary" size="sm" onClick={() => void signOut({ callbackUrl: `/invite/${token}` })}>
                Sign out
              </Button>
            }
          >
            <p>
              You are signed in as <strong>{signedInEmail}</strong>, but this invitation is for{" "}
              <strong>{invite.email}</strong>. Sign out first, then open this link again.
            </p>
          </Alert>
        ) : signedInEmail ? (
          <AcceptAsSignedIn token={token} email={signedInEmail} />
        ) : invite.accountExists ? (
          <Alert
            tone="info"
            title="You already have an account"
            actions={
              <ButtonLink href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} size="sm">
                Sign in to accept
              </ButtonLink>
            }
          >
            <p>Sign in as {invite.email}; you come back here to accept the invitation.</p>
          </Alert>
        ) : (
          <CreateAccountForm token={token} email={invite.email} />
        )}
      </div>
    </div>
  );
}

function AcceptAsSignedIn({ token, email }: { token: string; email: string }) {
  const [done, setDone] = useState(false);
  const accept = useMutation({
    mutationFn: () => api.acceptInvitation({ token }),
    onSuccess: (result) => {
      setDone(true);
      enterWorkspace(result);
    },
  });
  const alreadyMember = isProblem(accept.error) && accept.error.reasonCode === "already_member";
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        You are signed in as <strong className="text-slate-900">{email}</strong>.
      </p>
      {accept.error ? (
        <Alert
          tone={alreadyMember ? "info" : "danger"}
          role="alert"
          actions={
            alreadyMember ? (
              <ButtonLink href="/" variant="secondary" size="sm">
                Go to the dashboard
              </ButtonLink>
            ) : undefined
          }
        >
          <p>{errorMessage(accept.error)}</p>
        </Alert>
      ) : null}
      <Button
        className="w-full"
        loading={accept.isPending || done}
        disabled={alreadyMember}
        onClick={() => accept.mutate()}
      >
        Accept invitation
      </Button>
    </div>
  );
}
