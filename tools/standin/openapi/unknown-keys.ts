// GitHub's schemas rarely say `additionalProperties: false`, so a misspelt or invented key validates. This check
// reports every key of an object that its schema declares `properties` for but does not list, recursively.

import type { Json, JsonObject } from "./spec.js";
import { isObject, loadSpec } from "./spec.js";

const MAX_VARIANTS = 64;

function deref(node: Json | undefined): Json | undefined {
  if (isObject(node) && typeof node.$ref === "string") return loadSpec().resolve(node.$ref).node;
  return node;
}

/** Expands allOf/anyOf/oneOf into alternatives; each alternative is a list of schemas that apply together. */
function variants(input: Json | undefined, depth = 0): JsonObject[][] {
  const node = deref(input);
  if (!isObject(node) || depth > 12) return [[]];
  const { allOf, anyOf, oneOf, ...own } = node;
  let result: JsonObject[][] = [[own]];
  if (Array.isArray(allOf)) {
    for (const part of allOf) result = product(result, variants(part, depth + 1));
  }
  const alternatives = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
  if (alternatives)
    result = product(
      result,
      alternatives.flatMap((alt) => variants(alt, depth + 1)),
    );
  return result;
}

function product(a: JsonObject[][], b: JsonObject[][]): JsonObject[][] {
  const out: JsonObject[][] = [];
  for (const x of a) for (const y of b) if (out.length < MAX_VARIANTS) out.push([...x, ...y]);
  return out;
}

function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function admits(parts: JsonObject[], value: Json): boolean {
  const actual = jsonType(value);
  return parts.every((part) => {
    const type = part.type;
    const types = typeof type === "string" ? [type] : Array.isArray(type) ? type : undefined;
    if (!types) return true;
    return types.some((t) => t === actual || (t === "number" && actual === "integer"));
  });
}

export function unknownKeys(schema: Json | undefined, value: Json, at: string): string[] {
  if (typeof value !== "object" || value === null) return [];
  const candidates = variants(schema).filter((parts) => admits(parts, value));
  if (candidates.length === 0) return []; // a type error: ajv reports it
  let best: string[] | undefined;
  for (const parts of candidates) {
    const problems = Array.isArray(value) ? checkArray(parts, value, at) : checkObject(parts, value, at);
    if (problems.length === 0) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function checkArray(parts: JsonObject[], value: Json[], at: string): string[] {
  const items = parts.map((p) => p.items).filter((i): i is Json => i !== undefined);
  if (items.length === 0) return [];
  const schema: Json = items.length === 1 ? (items[0] ?? {}) : { allOf: items };
  return value.flatMap((item, index) => unknownKeys(schema, item, `${at}[${index}]`));
}

function checkObject(parts: JsonObject[], value: JsonObject, at: string): string[] {
  const declared = new Map<string, Json[]>();
  let open = true;
  for (const part of parts) {
    if (isObject(part.properties)) {
      open = false;
      for (const [key, sub] of Object.entries(part.properties))
        declared.set(key, [...(declared.get(key) ?? []), sub]);
    }
  }
  // additionalProperties (true or a schema) or patternProperties anywhere re-opens the object.
  if (
    parts.some(
      (p) =>
        (p.additionalProperties !== undefined && p.additionalProperties !== false) || p.patternProperties,
    )
  ) {
    open = true;
  }
  const problems: string[] = [];
  for (const [key, sub] of Object.entries(value)) {
    const schemas = declared.get(key);
    const where = at ? `${at}.${key}` : key;
    if (!schemas) {
      if (!open) problems.push(`${where}: unknown property (not in GitHub's schema)`);
      continue;
    }
    const schema: Json = schemas.length === 1 ? (schemas[0] ?? {}) : { allOf: schemas };
    problems.push(...unknownKeys(schema, sub, where));
  }
  return problems;
}
