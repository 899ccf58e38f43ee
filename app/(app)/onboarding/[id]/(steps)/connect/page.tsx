import { ConnectStep } from "@/components/wizard/steps/connect-step";

export const metadata = { title: "Connect" };

export default function ConnectStepPage() {
  return <ConnectStep />;
}
