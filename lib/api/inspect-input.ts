// Walks request input (parsed JSON body, query, path parameters) before zod sees it, without
// recursion: a body of 64 KiB can nest ~32,000 levels deep, which overflows a recursive walk.
// Refuses what PostgreSQL cannot store (NUL, lone UTF-16 surrogates) and nesting deeper than
// any of our schemas accepts, naming the field.

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface InputProblem {
  path: string[];
  message: string;
}

function stringProblem(value: string): string | null {
  if (value.includes("\u0000")) return "NUL characters (U+0000) are not allowed";
  if (LONE_SURROGATE.test(value)) return "Unpaired UTF-16 surrogates are not allowed (not valid Unicode)";
  return null;
}

/** Makes a key printable in a problem body (no NUL, no lone surrogate). */
function printable(key: string): string {
  return key
    .replace(/\u0000/g, "\\0")
    .replace(new RegExp(LONE_SURROGATE.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The first problem found in `value` (depth-first, in document order), or null. */
export function inspectInput(value: unknown, maxDepth: number): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      const problem = stringProblem(current);
      if (problem) return { path, message: problem };
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (path.length >= maxDepth) return { path, message: `Nested deeper than ${maxDepth} levels` };
    const entries = Object.entries(current);
    for (const [key] of entries) {
      const problem = stringProblem(key);
      if (problem) return { path: [...path, printable(key)], message: `Key: ${problem}` };
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i][1], path: [...path, entries[i][0]] });
  }
  return null;
}

/** Nesting depth of a JSON value (a scalar is 0, `[]` is 1), counted up to `limit` + 1 at most. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, here]);
  }
  return deepest;
}
