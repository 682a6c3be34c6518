/** Deep-merge plain mappings: `over` wins; arrays and scalars are replaced, not concatenated. */
export function mergeDefaults(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over))
    out[key] = key in base ? mergeDefaults(base[key], value) : value;
  return out;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
