import { NewOnboardingForm } from "@/components/onboarding/new-onboarding-form";

export const metadata = { title: "New onboarding" };

export default function NewOnboardingPage() {
  return <NewOnboardingForm />;
}
