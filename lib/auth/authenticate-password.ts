import "server-only";
// Email + password sign-in: rate limits, constant-cost verification, rehash on success.
import { db } from "@/lib/db/client";
import { consumeRateLimit } from "@/lib/api/rate-limit";
import { log } from "@/lib/log/logger";
import { addressBucket } from "./address-bucket";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "./password";
import { env } from "@/lib/env/env";

export class SignInThrottled extends Error {
  constructor() {
    super("Too many sign-in attempts. Wait a minute and try again.");
  }
}

/**
 * Per minute. Per address stops spraying many accounts from one place; per email and address
 * stops guessing one account's password; per email (across addresses) is the backstop for a
 * distributed guess. Per email+address is below per email, so a single address cannot spend
 * an account's whole budget and lock its owner out.
 */
export function signInLimits() {
  return {
    perAddress: env("RATE_LIMIT_SIGNIN_PER_IP_PER_MINUTE"),
    perEmailAndAddress: env("RATE_LIMIT_SIGNIN_PER_EMAIL_IP_PER_MINUTE"),
    perEmail: env("RATE_LIMIT_SIGNIN_PER_MINUTE"),
  };
}

export interface PasswordUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
}

/**
 * The user whose password this is, or null. Throws SignInThrottled when a limit is reached.
 * Limits are consumed from the narrowest-blast one outwards and stop at the first refusal: an
 * address already throttled does not also spend the per-email budget of the emails it tries.
 */
export async function authenticatePassword(input: {
  email: string;
  password: string;
  address: string;
}): Promise<PasswordUser | null> {
  const email = input.email.toLowerCase();
  const address = addressBucket(input.address);
  const limits = signInLimits();
  const keys: [string, number][] = [
    [`signin-ip:${address}`, limits.perAddress],
    [`signin-email-ip:${email}|${address}`, limits.perEmailAndAddress],
    [`signin:${email}`, limits.perEmail],
  ];
  for (const [key, max] of keys) {
    if (!(await consumeRateLimit(key, max)).allowed) {
      log.warn({ event: "signin.throttled", key: key.split(":")[0] }, "sign-in throttled");
      throw new SignInThrottled();
    }
  }

  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, sessionVersion: true },
  });
  // Always one scrypt at today's cost, so an unknown email answers as slowly as a wrong password.
  const stored = user?.passwordHash ?? DUMMY_PASSWORD_HASH;
  const ok = await verifyPassword(input.password, stored);
  if (!user || !user.passwordHash || !ok) return null;

  if (needsRehash(user.passwordHash)) {
    const upgraded = await hashPassword(input.password);
    // Only if nobody changed the password meanwhile; the password is the same, so sessions stay.
    await db().user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: upgraded },
    });
  }
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}
