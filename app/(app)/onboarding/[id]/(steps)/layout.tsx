import type { ReactNode } from "react";
import { WizardShell } from "@/components/wizard/wizard-shell";

export default async function StepsLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WizardShell id={id}>{children}</WizardShell>;
}
