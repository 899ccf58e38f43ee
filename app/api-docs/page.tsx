// The human-readable API reference, rendered from the same OpenAPI document.
import Link from "next/link";
import { buildOpenApi } from "@/lib/api/openapi";

export const metadata = { title: "API reference · Onramp" };

type Operation = {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, unknown>;
};

export default function ApiDocsPage() {
  const doc = buildOpenApi() as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, Operation>>;
  };
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
      <p className="mt-2 text-slate-600">{doc.info.description}</p>
      <p className="mt-2 text-sm">
        Machine-readable:{" "}
        <Link className="text-blue-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </Link>
        . Authenticate with <code className="rounded bg-slate-100 px-1">Authorization: Bearer onr_…</code>.
      </p>
      <div className="mt-6 space-y-3">
        {Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => (
            <section key={`${method} ${path}`} className="rounded border border-slate-200 p-3">
              <h2 className="font-mono text-sm">
                <span className="mr-2 inline-block w-14 font-bold uppercase text-blue-800">{method}</span>
                {path}
              </h2>
              <p className="mt-1 text-sm text-slate-700">{op.summary}</p>
              {op.description ? (
                <p className="mt-1 text-xs whitespace-pre-line text-slate-600">{op.description}</p>
              ) : null}
              {op.parameters?.length ? (
                <p className="mt-1 text-xs text-slate-500">
                  Parameters:{" "}
                  {op.parameters.map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join(", ")}
                </p>
              ) : null}
              <p className="mt-1 text-xs text-slate-500">Responses: {Object.keys(op.responses ?? {}).join(", ")}</p>
            </section>
          )),
        )}
      </div>
    </main>
  );
}
