// Summarises a V8 .cpuprofile (node --cpu-prof) of the app: self time by area and the hottest
// functions, to say where a request's CPU goes.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  /** Share of non-idle samples per area, highest first. */
  areas: { area: string; share: number }[];
  top: { fn: string; where: string; share: number }[];
}

const AREAS: [RegExp, string][] = [
  [/^wasm:\/\//, "Prisma query compiler (wasm)"],
  [/query_compiler|@prisma\/client\/runtime|lib\/generated\/prisma/, "Prisma client runtime"],
  [/@prisma\/adapter-pg|@prisma\/driver-adapter-utils/, "Prisma pg adapter"],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[\w-]+)\//, "pg driver"],
  [/node_modules\/pg-boss\//, "pg-boss (inline worker)"],
  [/node_modules\/next\/dist\/compiled\/(react|react-dom|react-server-dom)/, "React (server)"],
  [/node_modules\/next\//, "Next.js server"],
  [/node_modules\/next-auth|node_modules\/jose|node_modules\/@panva/, "next-auth / jose"],
  [/node_modules\/zod\//, "zod"],
  [/\/server\/chunks\/|\/server\/app\//, "app bundle (route code and bundled libraries)"],
  [/^node:|^internal\/|^$/, "Node.js core (http, streams, crypto, timers)"],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(program)") return "V8/native (program)";
  for (const [re, name] of AREAS) if (re.test(url)) return name;
  return "other";
}

export function newestProfile(dir: string): string | null {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  files.sort();
  return files.length ? path.join(dir, files[files.length - 1]) : null;
}

export function summariseProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byArea = new Map<string, number>();
  const byFn = new Map<string, { fn: string; where: string; hits: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits || node.callFrame.functionName === "(idle)") continue;
    total += hits;
    const area = areaOf(node);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
    const where = node.callFrame.url
      ? `${node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(\.next[^/]*|scripts|lib)\//, "$1/")}:${node.callFrame.lineNumber + 1}`
      : area;
    const key = `${node.callFrame.functionName}@${where}`;
    const entry = byFn.get(key) ?? { fn: node.callFrame.functionName || "(anonymous)", where, hits: 0 };
    entry.hits += hits;
    byFn.set(key, entry);
  }
  const areas = [...byArea]
    .map(([area, hits]) => ({ area, share: hits / Math.max(1, total) }))
    .sort((a, b) => b.share - a.share);
  const top = [...byFn.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, 15)
    .map((e) => ({ fn: e.fn, where: e.where.slice(0, 120), share: e.hits / Math.max(1, total) }));
  return { file, seconds: (profile.endTime - profile.startTime) / 1e6, areas, top };
}
