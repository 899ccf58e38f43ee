import "server-only";
// next-auth checks the `callbackUrl` query parameter and callback-url cookie before any
// callback of ours runs, and answers a URL it cannot parse (`http://localhost:3000.evil.example/`)
// with a 500. Such a request is sent back to itself with a same-origin callbackUrl instead.
import type { NextRequest } from "next/server";
import { publicOrigin } from "@/lib/http/forwarded";
import { isSameOriginUrl, sameOriginRedirect } from "./same-origin-redirect";

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/** A 307 to the same URL with a safe callbackUrl (and a bad callback cookie cleared), or null. */
export function sanitizeAuthRequest(req: NextRequest): Response | null {
  const base = publicOrigin() ?? req.nextUrl.origin;
  const param = req.nextUrl.searchParams.get("callbackUrl");
  const badParam = param !== null && !isSameOriginUrl(param, base);
  const badCookies = CALLBACK_COOKIES.filter((name) => {
    const value = req.cookies.get(name)?.value;
    return value !== undefined && !isSameOriginUrl(value, base);
  });
  if (!badParam && badCookies.length === 0) return null;
  const target = new URL(req.nextUrl.pathname + req.nextUrl.search, base);
  if (badParam) target.searchParams.set("callbackUrl", sameOriginRedirect(param, base));
  const headers = new Headers({ location: target.href, "cache-control": "no-store" });
  for (const name of badCookies) {
    headers.append(
      "set-cookie",
      `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`,
    );
  }
  // 307 keeps the method and body: a POST is repeated as it was, with the safe URL.
  return new Response(null, { status: 307, headers });
}
