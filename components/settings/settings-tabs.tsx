"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCan } from "@/lib/client/hooks/use-me";
import type { Capability } from "@/lib/client/types";

const TABS: { href: string; label: string; needs?: Capability }[] = [
  { href: "/settings/members", label: "Members" },
  { href: "/settings/tokens", label: "API tokens", needs: "tokens" },
  { href: "/settings/webhooks", label: "Webhooks", needs: "webhooks" },
  { href: "/settings/connections", label: "Connections" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  const { can, ready } = useCan();
  return (
    <nav aria-label="Settings sections" className="-mx-1 overflow-x-auto border-b border-slate-200">
      <ul className="flex min-w-max gap-1 px-1">
        {TABS.filter((t) => !t.needs || !ready || can(t.needs)).map((t) => {
          const active = pathname.startsWith(t.href);
          return (
            <li key={t.href}>
              <Link
                href={t.href}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2.5 text-sm font-medium ${
                  active
                    ? "border-indigo-600 text-indigo-700"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
