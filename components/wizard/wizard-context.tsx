"use client";

import { createContext, useContext } from "react";
import type { Capability, Run, Session } from "@/lib/client/types";

export interface WizardContextValue {
  id: string;
  session: Session;
  runs: Run[];
  /** True until the runs list has loaded once (steps reserve their space meanwhile). */
  runsLoading: boolean;
  /** Workspace capabilities, for links to settings and the audit trail. What may be done to this
   * onboarding is `session.actions`, decided by the server. */
  can: (capability: Capability) => boolean;
}

const WizardContext = createContext<WizardContextValue | null>(null);

export const WizardProvider = WizardContext.Provider;

export function useWizard(): WizardContextValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error("useWizard must be used inside the wizard shell");
  return value;
}
