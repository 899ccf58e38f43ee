"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { signOut } from "next-auth/react";
import { useQueryClient } from "@tanstack/react-query";
import { setWorkspace } from "@/lib/client/api";
import { useMe } from "@/lib/client/hooks/use-me";
import { Logo } from "./logo";
import { NotificationBell } from "./notifications/notification-bell";
import { StatusBadge } from "./status-badge";
import { Button } from "./ui/button";

const NAV = [
  {
    href: "/",
    label: "Onboardings",
    match: (p: string) => p === "/" || p.startsWith("/onboarding") || p.startsWith("/runs"),
  },
  { href: "/operations", label: "Operations", match: (p: string) => p.startsWith("/operations") },
  { href: "/platforms", label: "Platforms", match: (p: string) => p.startsWith("/platforms") },
  { href: "/insights", label: "Insights", match: (p: string) => p.startsWith("/insights") },
  { href: "/settings", label: "Settings", match: (p: string) => p.startsWith("/settings") },
];

export function AppHeader({ email }: { email: string }) {
  const pathname = usePathname();
  const me = useMe();
  const qc = useQueryClient();
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);

  const switchWorkspace = (slug: string) => {
    setWorkspace(slug);
    qc.clear();
    router.push("/");
  };

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6 lg:px-8">
        <Link href="/" className="shrink-0" aria-label="Onramp home">
          <Logo />
        </Link>
        <nav aria-label="Main" className="order-3 -mx-1 flex w-full gap-1 overflow-x-auto md:order-none md:w-auto">
          {NAV.map((item) => {
            const active = item.match(pathname);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap ${
                  active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                }`}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-3">
          <div className="hidden min-w-0 text-right sm:block">
            <p className="truncate text-sm font-medium text-slate-800" data-testid="header-email">
              {me.data?.user.email ?? email}
            </p>
            <div className="flex items-center justify-end gap-1.5 text-xs text-slate-500">
              {me.data && me.data.workspaces.length > 1 ? (
                <label className="flex items-center gap-1">
                  <span className="sr-only">Workspace</span>
                  <select
                    className="rounded border-0 bg-transparent py-0 pr-5 pl-0 text-xs text-slate-600 focus:outline-2 focus:outline-indigo-600"
                    value={me.data.workspace.slug}
                    onChange={(e) => switchWorkspace(e.target.value)}
                  >
                    {me.data.workspaces.map((w) => (
                      <option key={w.id} value={w.slug}>
                        {w.name}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span className="truncate">{me.data?.workspace.name ?? "\u00a0"}</span>
              )}
            </div>
          </div>
          <NotificationBell />
          {me.data ? <StatusBadge kind="role" value={me.data.role} testId="header-role" /> : null}
          <Button
            variant="secondary"
            size="sm"
            loading={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut({ callbackUrl: "/sign-in" });
            }}
          >
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
