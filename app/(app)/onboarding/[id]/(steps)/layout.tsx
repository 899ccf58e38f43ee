import type { ReactNode } from "react";
import { WizardShell } from "@/components/wizard/wizard-shell";
import { RefreshOnReturn } from "@/components/wizard/refresh-on-return";

export default async function StepsLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  return (
    <>
      <RefreshOnReturn id={id} />
      <WizardShell id={id}>{children}</WizardShell>
    </>
  );
}
