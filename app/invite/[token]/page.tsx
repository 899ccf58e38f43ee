import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/next-auth";
import { Logo } from "@/components/logo";
import { InviteClient } from "@/components/invite/invite-client";

// The token is in the path: never send it on as a Referer, never index the page.
export const metadata: Metadata = {
  title: "Invitation",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
};

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await getServerSession(authOptions());
  const signedInEmail = session?.user?.email ?? null;
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="flex justify-center">
          <Logo className="text-xl" />
        </div>
        <div className="mt-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <InviteClient token={token} signedInEmail={signedInEmail} />
        </div>
      </div>
    </main>
  );
}
