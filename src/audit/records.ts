/** Every `<!-- shipline:<kind> {json} -->` record in a text, whatever wrote it (records.ts or summary.ts's marker). */
export interface RawRecord {
  kind: string;
  data: Record<string, string | number | boolean>;
  raw: string;
}

const MAX_SCAN = 70_000;
const RECORD = /<!-- shipline:([a-z][a-z-]{0,31}) (\{[^\n]{0,4096}?\}) -->/g;

/** Hostile text is bounded and every odd record skipped; only flat string/number/boolean fields are kept. */
export function scanRecords(text: string | null | undefined): RawRecord[] {
  if (!text) return [];
  const hay = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const out: RawRecord[] = [];
  for (const m of hay.matchAll(RECORD)) {
    let json: unknown;
    try {
      json = JSON.parse(m[2]!);
    } catch {
      continue;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) continue;
    const data: RawRecord["data"] = {};
    for (const [k, v] of Object.entries(json))
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") data[k] = v;
    out.push({ kind: m[1]!, data, raw: m[0] });
  }
  return out;
}
