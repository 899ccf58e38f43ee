// Waits that an AbortSignal can cut short: used by steps (simulated delays, retry backoff) so a
// cancelled or timed-out step stops waiting at once.
import { ProviderError } from "@/lib/providers/types";

export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  if (signal.aborted) throw abortError(signal);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new ProviderError("aborted", String(signal.reason ?? "aborted"), { transient: true });
}
