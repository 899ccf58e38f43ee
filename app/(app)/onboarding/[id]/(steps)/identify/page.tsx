import { IdentifyStep } from "@/components/wizard/steps/identify-step";

export const metadata = { title: "Identify" };

export default function IdentifyStepPage() {
  return <IdentifyStep />;
}
