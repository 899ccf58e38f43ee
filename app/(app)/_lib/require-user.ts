import "server-only";
import { redirect } from "next/navigation";
import { currentSessionUser } from "@/lib/auth/current-user";

/** The signed-in operator, or a redirect to /sign-in (pages redirect; the API answers 401). */
export async function requireUser(): Promise<{ id: string; email: string }> {
  const user = await currentSessionUser();
  if (!user) redirect("/sign-in");
  return { id: user.id, email: user.email };
}
