"use client";

import { useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { api, ApiProblem, errorMessage } from "@/lib/client/api";
import { Alert } from "../ui/alert";
import { Button, ButtonLink } from "../ui/button";
import { Field, Input } from "../ui/field";
import { enterWorkspace } from "./enter-workspace";

const MIN_PASSWORD = 12;

/** A new account for the invited email: created with the membership, then signed in. */
export function CreateAccountForm({ token, email }: { token: string; email: string }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [createdButNotSignedIn, setCreatedButNotSignedIn] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = "Required";
    if (password.length < MIN_PASSWORD) problems.password = `At least ${MIN_PASSWORD} characters`;
    if (confirm !== password) problems.confirm = "The passwords do not match";
    setFieldErrors(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setPending(true);
    try {
      const result = await api.acceptInvitation({ token, name: name.trim(), password });
      const signedIn = await signIn("credentials", { email, password, redirect: false });
      if (!signedIn?.ok || signedIn.error) {
        setCreatedButNotSignedIn(true);
        setPending(false);
        return;
      }
      enterWorkspace(result);
    } catch (err) {
      if (err instanceof ApiProblem && err.fields.length) {
        setFieldErrors(Object.fromEntries(err.fields.map((f) => [f.field, f.message])));
      }
      setError(errorMessage(err));
      setPending(false);
    }
  };

  if (createdButNotSignedIn) {
    return (
      <Alert
        tone="success"
        role="status"
        title="Your account is ready"
        actions={
          <ButtonLink href="/sign-in" size="sm">
            Sign in
          </ButtonLink>
        }
      >
        <p>We could not sign you in automatically. Sign in as {email} with the password you chose.</p>
      </Alert>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-labelledby="create-account-heading">
      <div>
        <h2 id="create-account-heading" className="text-sm font-semibold text-slate-900">
          Create your account
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">You sign in with {email} and this password.</p>
      </div>
      {error ? (
        <Alert tone="danger" role="alert">
          {error}
        </Alert>
      ) : null}
      <input type="email" name="email" autoComplete="username" value={email} readOnly hidden />
      <Field label="Your name" error={fieldErrors.name}>
        {({ id, describedBy, invalid }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            name="name"
            autoComplete="name"
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password" hint={`At least ${MIN_PASSWORD} characters`} error={fieldErrors.password}>
        {({ id, describedBy, invalid }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            type="password"
            name="new-password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Field label="Confirm password" error={fieldErrors.confirm}>
        {({ id, describedBy, invalid }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            type="password"
            name="confirm-password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending}>
        {pending ? "Creating your account…" : "Create account and join"}
      </Button>
    </form>
  );
}
