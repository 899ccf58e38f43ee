import { z } from "zod";

export const recheckSchema = z
  .strictObject({
    version: z.int().min(1).optional(),
    checkKey: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9_]+$/, "A check key from the report, e.g. repo_create_permission"),
  })
  .meta({ id: "RecheckAccess" });
