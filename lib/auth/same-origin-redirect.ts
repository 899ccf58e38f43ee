// next-auth's `redirect` callback: where to send the browser after sign-in or sign-out.
// next-auth's default calls `new URL(url)` unguarded, so a callbackUrl such as
// `http://localhost:3000.evil.example/` (an invalid port) threw and answered 500.

/** `url` when it is a path on our site or a URL of our own origin; otherwise `baseUrl`. */
export function sameOriginRedirect(url: string, baseUrl: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return "/";
  }
  // Control characters and backslashes are rewritten by URL parsers ("/\t/evil" → "//evil"),
  // so a string containing them is never what it looks like.
  if (typeof url !== "string" || url.length > 2048 || /[\u0000-\u001f\u007f\\]/.test(url)) return base.origin;
  try {
    const target = new URL(url, base);
    if (target.origin !== base.origin) return base.origin;
    if (target.protocol !== "http:" && target.protocol !== "https:") return base.origin;
    return target.href;
  } catch {
    return base.origin;
  }
}

/** Whether `url` is already what sameOriginRedirect would keep (a path or our own origin's URL). */
export function isSameOriginUrl(url: string, baseUrl: string): boolean {
  try {
    return sameOriginRedirect(url, baseUrl) === new URL(url, baseUrl).href;
  } catch {
    return false;
  }
}
