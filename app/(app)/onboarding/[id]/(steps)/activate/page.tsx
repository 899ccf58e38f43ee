import { ActivateStep } from "@/components/wizard/steps/activate-step";

export const metadata = { title: "Activate" };

export default function ActivateStepPage() {
  return <ActivateStep />;
}
