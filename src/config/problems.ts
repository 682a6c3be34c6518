// Turns zod's issues into problems a user can act on: at the line of the key itself, with the nearest valid
// key, and in the user's words ("a list", "a time of day") rather than the library's.
import type { Document, LineCounter } from "yaml";
import { isMap, isScalar } from "yaml";
import type { z } from "zod";
import { nearest } from "./suggest.js";
import type { ConfigProblem } from "./types.js";

export interface Source {
  text: string;
  doc: Document;
  lines: LineCounter;
}

type Key = string | number;

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definition objects, read only to list known keys.
type Def = any;

function defOf(schema: unknown): Def {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The object schemas a path leads to (several under a union), unwrapping optional/default/array/record. */
function schemasAt(root: unknown, path: readonly Key[]): Def[] {
  let current: Def[] = [defOf(root)].filter(Boolean);
  const unwrap = (defs: Def[]): Def[] =>
    defs.flatMap((d) => {
      if (!d) return [];
      if (["optional", "default", "nullable", "prefault", "readonly", "catch"].includes(d.type))
        return unwrap([defOf(d.innerType)]);
      if (d.type === "pipe") return unwrap([defOf(d.in)]);
      if (d.type === "union") return unwrap((d.options as unknown[]).map(defOf));
      return [d];
    });
  current = unwrap(current);
  for (const key of path) {
    current = unwrap(
      current.flatMap((d) => {
        if (d.type === "object" && typeof key === "string" && d.shape[key]) return [defOf(d.shape[key])];
        if (d.type === "array" && typeof key === "number") return [defOf(d.element)];
        if (d.type === "record") return [defOf(d.valueType)];
        return [];
      }),
    );
  }
  return current;
}

/** The keys the schema allows at `path` (a mapping), for "did you mean". */
export function knownKeys(root: unknown, path: readonly Key[]): string[] {
  const keys = new Set<string>();
  for (const d of schemasAt(root, path))
    if (d.type === "object") for (const k of Object.keys(d.shape)) keys.add(k);
  return [...keys];
}

function position(source: Source, offset: number): { line: number; column: number } {
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Line and column of the deepest node that exists along `path`. */
export function locate(
  source: Source | undefined,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  if (!source) return {};
  for (let depth = path.length; depth >= 0; depth--) {
    const node = source.doc.getIn(path.slice(0, depth) as Key[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return position(source, range[0]);
  }
  return {};
}

/** Line and column of a key inside the mapping at `path` (where an unknown key is written). */
export function locateKey(
  source: Source | undefined,
  path: readonly PropertyKey[],
  key: string,
): { line?: number; column?: number } {
  if (!source) return {};
  const node = path.length ? source.doc.getIn(path as Key[], true) : source.doc.contents;
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = pair.key;
      if (isScalar(k) && String(k.value) === key && k.range) return position(source, k.range[0]);
    }
  }
  return locate(source, path);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
}

const WORDS: Record<string, string> = {
  array: "a list, e.g. [a, b] or one `- item` per line",
  object: "a mapping of `key: value` pairs",
  record: "a mapping of `name: value` pairs",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** What is wrong with a deploy window such as "Mon-Fri 25:00-26:00", in words. */
export function explainWindow(text: string): string {
  const example = 'e.g. "Mon-Thu 09:00-16:00" (days, a space, then a time range; 22:00-06:00 wraps midnight)';
  const m = /^(\S+) (\S+)$/.exec(text.trim());
  if (!m) return `"${text}" is not a deploy window: write the days, a space, then the hours, ${example}`;
  const [, days, hours] = m as unknown as [string, string, string];
  for (const day of days.split("-")) {
    if (!DAYS.includes(day)) {
      const guess = nearest(day, DAYS);
      return `"${day}" in "${text}" is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun${guess ? ` (did you mean ${guess}?)` : ""}, ${example}`;
    }
  }
  if (days.split("-").length > 2)
    return `"${days}" in "${text}" is not a day range such as Mon-Fri, ${example}`;
  const t = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(hours);
  if (!t)
    return `"${hours}" in "${text}" is not a time range: write HH:MM-HH:MM with two digits each, ${example}`;
  const [sh, sm, eh, em] = t.slice(1).map(Number) as [number, number, number, number];
  if (sh > 23)
    return `${hours.slice(0, 5)} in "${text}" is not a time of day: a window starts between 00:00 and 23:59, ${example}`;
  if (eh > 24 || (eh === 24 && em > 0))
    return `${hours.slice(6)} in "${text}" is not a time of day: a window ends between 00:00 and 24:00, ${example}`;
  if (sm > 59 || em > 59) return `minutes in "${text}" go from 00 to 59, ${example}`;
  return `"${text}" is not a deploy window, ${example}`;
}

function isWindowPath(path: readonly PropertyKey[]): boolean {
  const n = path.length;
  return n >= 3 && path[n - 3] === "windows" && path[n - 2] === "allow" && typeof path[n - 1] === "number";
}

/** One zod issue as the problems a user reads (an issue naming several unknown keys gives one per key). */
export function issueProblems(
  issue: z.core.$ZodIssue,
  root: unknown,
  data: unknown,
  source: Source | undefined,
): ConfigProblem[] {
  const path = issue.path as Key[];
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(root, path);
    return issue.keys.map((key) => {
      const guess = nearest(key, known);
      const hint = guess
        ? ` (did you mean \`${guess}\`?)`
        : known.length
          ? ` (${formatPath(path) || "the top level"} takes: ${known.filter((k) => k !== "$schema").join(", ")})`
          : "";
      return {
        path: formatPath([...path, key]) || "(an empty key)",
        message: key ? `unknown key \`${key}\`${hint}` : `a key with no name${hint}`,
        ...locateKey(source, path, key),
      };
    });
  }
  const base = { path: formatPath(path) || "(top level)", ...locate(source, path) };
  const value = valueAt(data, path);
  if (issue.code === "invalid_type") {
    const expected = WORDS[issue.expected] ?? issue.expected;
    if (value === undefined)
      return [{ ...base, message: `\`${String(path.at(-1))}\` is required: give ${expected}` }];
    return [{ ...base, message: `expected ${expected}, but this is ${describeValue(value)}` }];
  }
  if (issue.code === "invalid_value" && issue.values.length > 1) {
    const options = issue.values.map(String);
    const guess = typeof value === "string" ? nearest(value, options) : undefined;
    return [
      {
        ...base,
        message: `${describeValue(value)} is not one of ${options.join(", ")}${guess ? ` (did you mean ${guess}?)` : ""}`,
      },
    ];
  }
  if (isWindowPath(path) && typeof value === "string") return [{ ...base, message: explainWindow(value) }];
  if (issue.code === "invalid_union" && "note" in issue && issue.note)
    return [{ ...base, message: String(issue.note) }];
  if (issue.code === "invalid_union") {
    const expected = [
      ...new Set(
        issue.errors.flatMap((branch) =>
          branch
            .filter((i) => i.path.length === 0 && i.code === "invalid_type")
            .map((i) => WORDS[(i as { expected: string }).expected] ?? (i as { expected: string }).expected),
        ),
      ),
    ];
    if (expected.length)
      return [{ ...base, message: `expected ${expected.join(" or ")}, but this is ${describeValue(value)}` }];
  }
  if (issue.code === "too_small" && issue.origin === "array")
    return [
      { ...base, message: `give at least ${issue.minimum} item${Number(issue.minimum) === 1 ? "" : "s"}` },
    ];
  if (issue.code === "too_small" || issue.code === "too_big") {
    const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
    const side =
      issue.code === "too_small"
        ? issue.inclusive
          ? "at least"
          : "more than"
        : issue.inclusive
          ? "at most"
          : "less than";
    if (issue.origin === "number" || issue.origin === "int")
      return [{ ...base, message: `must be ${side} ${String(bound)}, but this is ${String(value)}` }];
  }
  return [{ ...base, message: issue.message }];
}
