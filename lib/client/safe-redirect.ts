/** Only same-site paths are followed after sign-in ("//evil.example" is not a path). */
export function safeCallbackUrl(raw: string | string[] | null | undefined, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/sign-in")) return fallback;
  return value;
}
