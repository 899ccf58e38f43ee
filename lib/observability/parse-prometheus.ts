// Reads the Prometheus text format into `series → value` (`name{a="1",b="2"}` exactly as
// written). For tests and the bench, which compare scrapes.
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
