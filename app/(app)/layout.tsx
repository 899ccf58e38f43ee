import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { requireUser } from "./_lib/require-user";

// Every operator page needs a signed-in user: pages redirect to /sign-in, the API answers 401.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <AppHeader email={user.email} />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 pt-6 pb-16 sm:px-6 lg:px-8">
        {children}
      </main>
    </div>
  );
}
