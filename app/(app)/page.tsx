import { Suspense } from "react";
import { OnboardingDashboard } from "@/components/dashboard/onboarding-dashboard";
import { LoadingBlock } from "@/components/ui/skeleton";

export const metadata = { title: "Onboardings" };

export default function DashboardPage() {
  return (
    <Suspense fallback={<LoadingBlock lines={6} label="Loading onboardings…" />}>
      <OnboardingDashboard />
    </Suspense>
  );
}
