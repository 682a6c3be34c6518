// Loads GitHub's official REST description (@octokit/openapi) once per process and compiles schemas from it on
// demand. OpenAPI 3.0 `nullable` is rewritten into JSON Schema so ajv understands it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { Ajv } from "ajv";
import addFormatsImport from "ajv-formats";

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Spec {
  readonly doc: JsonObject;
  readonly ajv: Ajv;
  /** Compiles (and caches) the schema at a JSON pointer inside the description, e.g. `#/components/schemas/x`. */
  validator(pointer: string): ValidateFunction;
  /** Follows `$ref`s; returns the node a pointer designates and the pointer it finally resolved to. */
  resolve(pointer: string): { node: Json | undefined; pointer: string };
}

let cached: Spec | undefined;

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

function unescapePointer(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** OpenAPI 3.0 `nullable: true` -> JSON Schema; formatted strings accept their documented "" default. */
function rewriteNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewriteNullable(value);
  // A formatted string whose documented default is "" (deployment status `target_url`, `environment_url`) is "" in
  // GitHub's answers; the default must validate.
  if (typeof out.format === "string" && out.default === "" && out.type === "string") {
    const { default: _empty, ...formatted } = out;
    return { anyOf: [formatted, { const: "" }], default: "" };
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/**
 * GitHub posts a `waiting` deployment status while a protection rule holds a job, but its description's
 * deployment-status `state` enum leaves it out. Known gap: accept it in responses (requests still may not send it).
 */
function allowWaitingDeploymentStatus(doc: JsonObject): void {
  const schemas = (doc.components as JsonObject | undefined)?.schemas as JsonObject | undefined;
  const state = (
    (schemas?.["deployment-status"] as JsonObject | undefined)?.properties as JsonObject | undefined
  )?.state as JsonObject | undefined;
  if (state && Array.isArray(state.enum) && !state.enum.includes("waiting"))
    state.enum = [...state.enum, "waiting"];
}

export function loadSpec(): Spec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  // Trust boundary: the file is GitHub's published JSON document.
  const doc = rewriteNullable(JSON.parse(readFileSync(file, "utf8")) as Json) as JsonObject;
  allowWaitingDeploymentStatus(doc);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, "gh");
  const validators = new Map<string, ValidateFunction>();

  const walk = (pointer: string): { node: Json | undefined; pointer: string } => {
    const tokens = pointer.replace(/^#\/?/, "").split("/").filter(Boolean).map(unescapePointer);
    let node: Json | undefined = doc;
    const path: string[] = [];
    for (const token of tokens) {
      node = followRefs(node, path);
      if (Array.isArray(node)) node = node[Number(token)];
      else if (isObject(node)) node = node[token];
      else return { node: undefined, pointer };
      path.push(token);
    }
    node = followRefs(node, path);
    return { node, pointer: `#/${path.map(escapePointer).join("/")}` };
  };

  // Replaces `path` in place when the node is a local $ref.
  const followRefs = (node: Json | undefined, path: string[]): Json | undefined => {
    let current = node;
    for (let hops = 0; hops < 20 && isObject(current) && typeof current.$ref === "string"; hops++) {
      const ref: string = current.$ref;
      if (!ref.startsWith("#/")) break;
      const target = walk(ref);
      path.splice(0, path.length, ...target.pointer.slice(2).split("/").map(unescapePointer));
      current = target.node;
    }
    return current;
  };

  cached = {
    doc,
    ajv,
    resolve: walk,
    validator(pointer) {
      const resolved = walk(pointer).pointer;
      let fn = validators.get(resolved);
      if (!fn) {
        fn = ajv.getSchema(`gh${resolved}`);
        if (!fn) throw new Error(`no schema at ${resolved} in GitHub's OpenAPI description`);
        validators.set(resolved, fn);
      }
      return fn;
    },
  };
  return cached;
}
