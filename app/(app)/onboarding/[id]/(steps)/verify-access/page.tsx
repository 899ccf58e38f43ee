import { VerifyAccessStep } from "@/components/wizard/steps/verify-access-step";

export const metadata = { title: "Verify Access" };

export default function VerifyAccessStepPage() {
  return <VerifyAccessStep />;
}
