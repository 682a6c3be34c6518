// Checks webhook payloads against @octokit/webhooks-schemas and against the `x-webhooks` schemas of GitHub's
// OpenAPI description. Both return a list of problems; empty means valid.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { Ajv } from "ajv";
import addFormatsImport from "ajv-formats";
import type { Json, JsonObject } from "./spec.js";
import { isObject, loadSpec } from "./spec.js";
import { unknownKeys } from "./unknown-keys.js";
import { formatAjvErrors } from "./validate.js";

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

let schemas: { ajv: Ajv; definitions: JsonObject; cache: Map<string, ValidateFunction> } | undefined;

function webhookSchemas(): NonNullable<typeof schemas> {
  if (schemas) return schemas;
  const require = createRequire(import.meta.url);
  // Trust boundary: the JSON Schema document published by @octokit/webhooks-schemas.
  const doc = JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-schemas/schema.json"), "utf8"),
  ) as JsonObject;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  // Without the root `oneOf` (every event), compiling one definition does not compile them all (3.5 s).
  const { oneOf: _all, ...definitionsOnly } = doc;
  ajv.addSchema(definitionsOnly, "wh");
  const definitions = isObject(doc.definitions) ? doc.definitions : {};
  schemas = { ajv, definitions, cache: new Map() };
  return schemas;
}

function actionOf(payload: unknown): string | undefined {
  return isObject(payload as Json) && typeof (payload as JsonObject).action === "string"
    ? ((payload as JsonObject).action as string)
    : undefined;
}

/** Validates a payload for `event` (the X-GitHub-Event header) against @octokit/webhooks-schemas. */
export function validateWebhookPayload(event: string, payload: unknown): string[] {
  const s = webhookSchemas();
  const action = actionOf(payload);
  const name = action && `${event}$${action}` in s.definitions ? `${event}$${action}` : `${event}_event`;
  if (!(name in s.definitions))
    return [`${event}${action ? `.${action}` : ""}: no such webhook in @octokit/webhooks-schemas`];
  let validate = s.cache.get(name);
  if (!validate) {
    validate = s.ajv.getSchema(`wh#/definitions/${name}`);
    if (!validate) return [`${name}: schema does not compile`];
    s.cache.set(name, validate);
  }
  return validate(payload) ? [] : formatAjvErrors(validate.errors, `${event}.${action ?? ""} payload`);
}

/**
 * Validates a payload against GitHub's own OpenAPI description (`#/components/schemas/webhook-<event>-<action>`,
 * the schemas behind its `x-webhooks`), including the check that no key is undeclared.
 */
export function validateWebhookPayloadOpenApi(event: string, payload: unknown): string[] {
  const spec = loadSpec();
  const action = actionOf(payload);
  const base = `webhook-${event.replaceAll("_", "-")}`;
  const candidates = action ? [`${base}-${action.replaceAll("_", "-")}`, base] : [base];
  const name = candidates.find((c) => spec.resolve(`#/components/schemas/${c}`).node !== undefined);
  if (!name)
    return [`${event}${action ? `.${action}` : ""}: no webhook schema in GitHub's OpenAPI description`];
  const pointer = `#/components/schemas/${name}`;
  const validate = spec.validator(pointer);
  const root = `${event}.${action ?? ""} payload`;
  const problems = validate(payload) ? [] : formatAjvErrors(validate.errors, root);
  // Trust boundary: any JSON-like value handed in by a test or the stand-in.
  problems.push(...unknownKeys(spec.resolve(pointer).node, payload as Json, root));
  return problems;
}
