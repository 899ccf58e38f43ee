import { BootstrapStep } from "@/components/wizard/steps/bootstrap-step";

export const metadata = { title: "Bootstrap" };

export default function BootstrapStepPage() {
  return <BootstrapStep />;
}
