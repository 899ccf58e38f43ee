// The bench's framework floor (scripts/bench/phases/api.ts): a route handler on this same Next.js
// answering, with no work at all, the exact status, headers and body the app answered for
// GET /api/v1/onboarding/:id (captured into the replay file ONRAMP_BENCH_FLOOR names). Without
// that variable — always, outside the bench — it answers 404 and reads nothing.
import { readFileSync } from "node:fs";
import { env } from "@/lib/env/env";

// Never prerendered or cached: every request is answered by the handler, like the app's routes.
export const dynamic = "force-dynamic";

interface Replay {
  etag: string;
  ok: { headers: [string, string][]; body: string };
  notModified: { headers: [string, string][] };
}

let loaded: { file: string; replay: Replay; body: string } | null = null;

function replay(file: string) {
  if (loaded?.file !== file) {
    const replay = JSON.parse(readFileSync(file, "utf8")) as Replay;
    // A string, as the app's json() hands its body to Next.js.
    loaded = { file, replay, body: Buffer.from(replay.ok.body, "base64").toString("utf8") };
  }
  return loaded;
}

export async function GET(req: Request): Promise<Response> {
  const file = env("ONRAMP_BENCH_FLOOR");
  if (!file) return new Response(null, { status: 404 });
  const { replay: r, body } = replay(file);
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === r.etag))
    return new Response(null, { status: 304, headers: r.notModified.headers });
  return new Response(body, { status: 200, headers: r.ok.headers });
}
