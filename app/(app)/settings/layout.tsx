import type { ReactNode } from "react";
import { PageHeader } from "@/components/page-header";
import { SettingsTabs } from "@/components/settings/settings-tabs";

export const metadata = { title: { default: "Settings", template: "%s · Settings · Onramp" } };

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader
        title="Settings"
        description="Members and roles, API tokens, webhooks and provider connections of this workspace."
      />
      <SettingsTabs />
      <div className="mt-6">{children}</div>
    </>
  );
}
