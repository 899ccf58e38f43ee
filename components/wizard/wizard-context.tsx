"use client";

import { createContext, useContext } from "react";
import type { Capability, Run, Session } from "@/lib/client/types";

export interface WizardContextValue {
  id: string;
  session: Session;
  runs: Run[];
  /** True until the runs list has loaded once (steps reserve their space meanwhile). */
  runsLoading: boolean;
  can: (capability: Capability) => boolean;
  /** The session can no longer change (cancelled or active). */
  closed: boolean;
}

const WizardContext = createContext<WizardContextValue | null>(null);

export const WizardProvider = WizardContext.Provider;

export function useWizard(): WizardContextValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error("useWizard must be used inside the wizard shell");
  return value;
}
