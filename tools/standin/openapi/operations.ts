// Finds the operation of GitHub's REST description that a concrete method + URL designates.

import type { Json, JsonObject } from "./spec.js";
import { escapePointer, isObject, loadSpec } from "./spec.js";

export interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Json | undefined;
  multiSegment: boolean;
}

export interface Operation {
  method: string;
  template: string;
  /** JSON pointer of the operation object, e.g. `#/paths/~1app/get`. */
  pointer: string;
  operation: JsonObject;
  pathParams: Record<string, string>;
  parameters: Parameter[];
}

interface Template {
  template: string;
  segments: string[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
let templatesByMethod: Map<string, Template[]> | undefined;

function templates(method: string): Template[] {
  if (!templatesByMethod) {
    templatesByMethod = new Map();
    const paths = loadSpec().doc.paths;
    if (!isObject(paths)) throw new Error("GitHub's OpenAPI description has no paths");
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const m of METHODS) {
        if (!isObject(item[m])) continue;
        const list = templatesByMethod.get(m) ?? [];
        list.push({ template, segments: template.split("/").slice(1) });
        templatesByMethod.set(m, list);
      }
    }
  }
  return templatesByMethod.get(method) ?? [];
}

/** The path of a URL relative to GitHub's API root, tolerating a GHES-style `/api/v3` prefix. */
export function apiPath(url: string): { path: string; query: URLSearchParams } {
  const parsed = new URL(url, "https://api.github.com");
  let path = parsed.pathname;
  if (path === "/api/v3" || path.startsWith("/api/v3/")) path = path.slice("/api/v3".length) || "/";
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return { path, query: parsed.searchParams };
}

function parametersOf(item: JsonObject, operation: JsonObject, pointer: string): Parameter[] {
  const spec = loadSpec();
  const raw: Json[] = [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ];
  const out: Parameter[] = [];
  raw.forEach((entry, index) => {
    let node = entry;
    if (isObject(node) && typeof node.$ref === "string") node = spec.resolve(node.$ref).node ?? null;
    if (!isObject(node) || typeof node.name !== "string" || typeof node.in !== "string") {
      throw new Error(`unreadable parameter ${index} of ${pointer}`);
    }
    out.push({
      name: node.name,
      in: node.in,
      required: node.required === true,
      schema: node.schema,
      multiSegment: node["x-multi-segment"] === true,
    });
  });
  return out;
}

/**
 * Matches a concrete path against the description's templates for a method. Literal segments win over parameters
 * (`/releases/latest` before `/releases/{release_id}`); a trailing `x-multi-segment` parameter may absorb slashes.
 */
export function findOperation(method: string, url: string): Operation | undefined {
  const m = method.toLowerCase();
  const { path } = apiPath(url);
  // Every request is matched two or three times (routing, request and response validation): remember the
  // last few thousand paths (the scan over ~1,100 templates was the stand-in's largest cost in the bench).
  const key = `${m} ${path}`;
  const known = found.get(key);
  if (known !== undefined)
    return known === null ? undefined : { ...known, pathParams: { ...known.pathParams } };
  const result = scanOperation(m, path);
  if (found.size >= 5_000) found.clear();
  found.set(key, result ?? null);
  return result === undefined ? undefined : { ...result, pathParams: { ...result.pathParams } };
}

const found = new Map<string, Operation | null>();

function scanOperation(m: string, path: string): Operation | undefined {
  const concrete = path
    .split("/")
    .slice(1)
    .map((segment) => safeDecode(segment));
  let best: { template: Template; params: Record<string, string>; score: number[] } | undefined;
  for (const template of templates(m)) {
    const match = matchTemplate(template, concrete, m);
    if (!match) continue;
    if (!best || compareScores(match.score, best.score) > 0) best = { template, ...match };
  }
  if (!best) return undefined;
  const spec = loadSpec();
  const pointer = `#/paths/${escapePointer(best.template.template)}/${m}`;
  const item = spec.resolve(`#/paths/${escapePointer(best.template.template)}`).node;
  const operation = spec.resolve(pointer).node;
  if (!isObject(item) || !isObject(operation)) return undefined;
  return {
    method: m,
    template: best.template.template,
    pointer,
    operation,
    pathParams: best.params,
    parameters: parametersOf(item, operation, pointer),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchTemplate(
  template: Template,
  concrete: string[],
  method: string,
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  const segs = template.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] ?? "";
    const value = concrete[i];
    if (value === undefined) return undefined;
    const param = /^\{([^}]+)\}$/.exec(seg);
    if (!param) {
      if (seg !== value) return undefined;
      score.push(1);
      continue;
    }
    if (value === "") return undefined;
    const name = param[1] ?? "";
    const last = i === segs.length - 1;
    if (last && concrete.length > segs.length) {
      if (!isMultiSegment(template.template, method, name)) return undefined;
      params[name] = concrete.slice(i).join("/");
      score.push(0);
      return { params, score };
    }
    params[name] = value;
    score.push(0);
  }
  if (concrete.length !== segs.length) return undefined;
  return { params, score };
}

function isMultiSegment(template: string, method: string, name: string): boolean {
  const spec = loadSpec();
  const item = spec.resolve(`#/paths/${escapePointer(template)}`).node;
  if (!isObject(item)) return false;
  const operation = item[method];
  if (!isObject(operation)) return false;
  return parametersOf(item, operation, template).some((p) => p.name === name && p.multiSegment);
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
