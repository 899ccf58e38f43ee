import { Suspense } from "react";
import { InsightsDashboard } from "@/components/insights/insights-dashboard";
import { LoadingBlock } from "@/components/ui/skeleton";

export const metadata = { title: "Insights" };

export default function InsightsPage() {
  return (
    <Suspense fallback={<LoadingBlock lines={8} label="Loading insights…" />}>
      <InsightsDashboard />
    </Suspense>
  );
}
