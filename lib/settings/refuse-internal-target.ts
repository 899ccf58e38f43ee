import "server-only";
// Saving a webhook URL or a provider API base URL that the address guard would refuse fails
// at once with a field error, instead of every later delivery or run failing. The guard still
// runs on every call (a name can resolve elsewhere later); a name that does not resolve now is
// accepted here and judged when it is called.
import { ApiError } from "@/lib/api/errors";
import { guardEnabled } from "@/lib/net/address-guard";
import { assertPublicTarget, refusalOf } from "@/lib/net/guarded-fetch";

export async function refuseInternalTarget(url: string, field: string): Promise<void> {
  if (!guardEnabled()) return;
  try {
    await assertPublicTarget(url);
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) return;
    throw new ApiError("validation_failed", refusal.message, {
      reasonCode: refusal.code,
      fields: [{ field, message: refusal.message, code: refusal.code }],
    });
  }
}
