"use client";

import { useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an operator account.",
  AccessDenied: "This GitHub account is not linked to an operator. Ask a workspace owner to add you.",
  SessionRequired: "Please sign in to continue.",
};

function messageFor(code: string): string {
  return MESSAGES[code] ?? (code.length > 3 && code.includes(" ") ? code : "Sign-in failed. Try again.");
}

export function SignInForm({
  callbackUrl,
  githubEnabled,
  initialError,
}: {
  callbackUrl: string;
  githubEnabled: boolean;
  initialError?: string;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(initialError ? messageFor(initialError) : null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { email: email.trim(), password, redirect: false, callbackUrl });
      if (!result || result.error || !result.ok) {
        setError(messageFor(result?.error ?? "CredentialsSignin"));
        setPending(false);
        return;
      }
      // A full navigation, so the server components see the new session cookie.
      window.location.assign(callbackUrl);
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
      setPending(false);
    }
  };

  return (
    <form
      onSubmit={onSubmit}
      className="mt-6 space-y-4"
      noValidate
      aria-describedby={error ? "sign-in-error" : undefined}
    >
      {error ? (
        <div id="sign-in-error">
          <Alert tone="danger" role="alert">
            {error}
          </Alert>
        </div>
      ) : null}
      <Field label="Email">
        {({ id, describedBy }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password">
        {({ id, describedBy }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending} disabled={!email || !password}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      {githubEnabled ? (
        <Button variant="secondary" className="w-full" onClick={() => signIn("github", { callbackUrl })}>
          Sign in with GitHub
        </Button>
      ) : null}
    </form>
  );
}
