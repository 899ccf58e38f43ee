// The JWT signing secret. `npm start` generates one into .data/ on first run; in production
// set NEXTAUTH_SECRET (or AUTH_SECRET).
export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret)
    throw new Error("NEXTAUTH_SECRET is not set. `npm start` sets it for you; in production set it yourself.");
  return secret;
}
