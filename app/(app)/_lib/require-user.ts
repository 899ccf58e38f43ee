import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/next-auth";

/** The signed-in operator, or a redirect to /sign-in (pages redirect; the API answers 401). */
export async function requireUser(): Promise<{ id: string; email: string }> {
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: string; email?: string | null } | undefined;
  if (!user?.id) redirect("/sign-in");
  return { id: user.id, email: user.email ?? "" };
}
