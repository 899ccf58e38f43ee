// next-auth's sign-in, callback, session and sign-out endpoints.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/next-auth";
import { sanitizeAuthRequest } from "@/lib/auth/sanitize-auth-request";

const handler = (req: NextRequest, ctx: unknown) => sanitizeAuthRequest(req) ?? NextAuth(authOptions())(req, ctx);
export { handler as GET, handler as POST };
