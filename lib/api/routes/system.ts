// Routes for machines: the load balancer's health check and this API's own description.
import { z } from "zod";
import { defineRoute } from "@/lib/api/define-route";

export const healthResponse = z
  .object({
    status: z.enum(["ok", "degraded", "error"]),
    database: z.enum(["reachable", "unreachable"]),
    migrations: z.object({ applied: z.int(), pending: z.array(z.string()) }).optional(),
    latencyMs: z.int().optional(),
  })
  .meta({ id: "Health" });

export const getHealth = defineRoute({
  method: "GET",
  path: "/api/health",
  tag: "System",
  summary: "Database reachable and migrations applied (no authentication; for load balancers)",
  access: { auth: "public" },
  responses: { 200: healthResponse, 503: healthResponse },
});

export const getOpenApi = defineRoute({
  method: "GET",
  path: "/api/v1/openapi.json",
  tag: "System",
  summary: "This document, generated from the route declarations in lib/api/routes",
  access: { auth: "public" },
  responses: { 200: z.record(z.string(), z.unknown()).meta({ id: "OpenApiDocument" }) },
});
