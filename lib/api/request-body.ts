import "server-only";
// Reading and checking what a request carries: a size-capped JSON body, and zod parsing after
// refusing values PostgreSQL cannot store or that nest deeper than anything we accept.
import type { NextRequest } from "next/server";
import type { ZodType } from "zod";
import { ApiError } from "./errors";
import { inspectInput } from "./inspect-input";
import { zodFields } from "./problem";

export const MAX_BODY_BYTES = 64 * 1024;
/** Deeper than any schema goes (a step result may nest 32 levels, three below the body). */
const MAX_INPUT_DEPTH = 64;

export function parseWith<T>(schema: ZodType<T> | undefined, value: unknown, what: string): T | unknown {
  if (!schema) return value;
  // PostgreSQL cannot store U+0000 or a lone surrogate in text, and a deep body would overflow
  // the stack of whatever recurses over it later: refuse both up front rather than fail on write.
  const problem = inspectInput(value, MAX_INPUT_DEPTH);
  if (problem) {
    throw new ApiError("validation_failed", `${what} contains a value that is not allowed.`, {
      fields: [{ field: problem.path.join(".") || "(body)", message: problem.message }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError("validation_failed", `${what} validation failed.`, { fields: zodFields(result.error) });
}

/** Parses the JSON body; with `optional`, an absent or empty body counts as `{}`. */
export async function readJson(req: NextRequest, optional: boolean): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(type);
  const wrongType = () =>
    new ApiError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  if (!isJson && !(optional && type === "")) throw wrongType();
  const text = await readLimited(req);
  if (text.trim() === "") {
    if (optional) return {};
    throw new ApiError("malformed_json", "The request body is empty; send a JSON object.");
  }
  if (!isJson) throw wrongType();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json", "The request body is not valid JSON.");
  }
}

async function readLimited(req: NextRequest): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const tooLarge = () => new ApiError("payload_too_large", `The request body exceeds ${MAX_BODY_BYTES / 1024} KiB.`);
