import { redirect } from "next/navigation";
import { currentSessionUser } from "@/lib/auth/current-user";
import { safeCallbackUrl } from "@/lib/client/safe-redirect";
import { Logo } from "@/components/logo";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  // A cookie of an ended session must not bounce back to the app (which would send it here).
  if (await currentSessionUser()) redirect(callbackUrl);
  const githubEnabled = !!(process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET);
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="flex justify-center">
          <Logo className="text-xl" />
        </div>
        <div className="mt-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <h1 className="text-lg font-semibold text-slate-900">Sign in to your workspace</h1>
          <p className="mt-1 text-sm text-slate-600">Operators only. Ask a workspace owner for an account.</p>
          <SignInForm
            callbackUrl={callbackUrl}
            githubEnabled={githubEnabled}
            initialError={typeof params.error === "string" ? params.error : undefined}
          />
        </div>
        <p className="mt-6 text-center text-xs text-slate-500">
          Automating? See the{" "}
          <a className="underline hover:text-slate-700" href="/api-docs">
            API reference
          </a>
          .
        </p>
      </div>
    </main>
  );
}
