import { notFound, redirect } from "next/navigation";
import { ApiError } from "@/lib/api/errors";
import { actorForUser } from "@/lib/auth/actor";
import { loadSessionFor } from "@/lib/onboarding/load-session-for";
import { stepHref } from "@/lib/client/wizard-steps";
import { requireUser } from "../../_lib/require-user";

// /onboarding/:id opens the wizard where the onboarding stands: its current checkpoint.
export default async function OnboardingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const actor = await actorForUser(user.id, "session");
  if (!actor) redirect("/sign-in");
  let checkpoint;
  try {
    checkpoint = (await loadSessionFor(actor, id, "view")).currentCheckpoint;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) notFound();
    throw err;
  }
  redirect(stepHref(id, checkpoint));
}
