// Checks a REST request or response against GitHub's official OpenAPI description (@octokit/openapi).
// Every function returns a list of problems; an empty list means valid.
import type { ErrorObject } from "ajv";
import type { Operation, Parameter } from "./operations.js";
import { apiPath, findOperation } from "./operations.js";
import type { Json } from "./spec.js";
import { escapePointer, isObject, loadSpec } from "./spec.js";
import { unknownKeys } from "./unknown-keys.js";

export interface GitHubRequest {
  method: string;
  /** Absolute URL or path, query string included; a `/api/v3` prefix is tolerated. */
  url: string;
  /** Parsed JSON body (a string is parsed); undefined for none. */
  body?: unknown;
}

export interface GitHubResponse extends GitHubRequest {
  status: number;
  /** Only `application/json` (or absent) bodies are checked against a schema. */
  contentType?: string;
}

function label(method: string, url: string): string {
  return `${method.toUpperCase()} ${apiPath(url).path}`;
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined, root: string): string[] {
  return (errors ?? []).map((e) => {
    const where = `${root}${e.instancePath
      .split("/")
      .slice(1)
      .map((t) => (/^\d+$/.test(t) ? `[${t}]` : `.${t.replaceAll("~1", "/").replaceAll("~0", "~")}`))
      .join("")}`;
    const extra = e.keyword === "enum" ? ` ${JSON.stringify(e.params.allowedValues)}` : "";
    return `${where || "(root)"}: ${e.message ?? e.keyword}${extra}`;
  });
}

function asJson(body: unknown): { value: Json | undefined; problem?: string } {
  if (body === undefined || body === null || body === "") return { value: undefined };
  if (typeof body === "string") {
    try {
      return { value: JSON.parse(body) as Json };
    } catch {
      return { value: undefined, problem: "body is not JSON" };
    }
  }
  if (body instanceof Uint8Array) return asJson(Buffer.from(body).toString("utf8"));
  // Trust boundary: a value produced by JSON.parse or a plain object literal from a test.
  return { value: body as Json };
}

function checkScalar(param: Parameter, raw: string): string | undefined {
  const schema =
    isObject(param.schema) && typeof param.schema.$ref === "string"
      ? loadSpec().resolve(param.schema.$ref).node
      : param.schema;
  if (!isObject(schema)) return undefined;
  const type = schema.type;
  const types = typeof type === "string" ? [type] : Array.isArray(type) ? type : [];
  if (types.includes("integer") && !types.includes("string") && !/^-?\d+$/.test(raw)) {
    return `${param.in} parameter ${param.name}: ${JSON.stringify(raw)} is not an integer`;
  }
  if (types.includes("boolean") && !types.includes("string") && raw !== "true" && raw !== "false") {
    return `${param.in} parameter ${param.name}: ${JSON.stringify(raw)} is not a boolean`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(raw)) {
    return `${param.in} parameter ${param.name}: ${JSON.stringify(raw)} is not one of ${JSON.stringify(schema.enum)}`;
  }
  return undefined;
}

function checkParameters(op: Operation, url: string): string[] {
  const problems: string[] = [];
  for (const param of op.parameters.filter((p) => p.in === "path")) {
    const value = op.pathParams[param.name];
    if (value === undefined) continue;
    const problem = checkScalar(param, value);
    if (problem) problems.push(problem);
  }
  const query = apiPath(url).query;
  const declared = op.parameters.filter((p) => p.in === "query");
  for (const [name, value] of query) {
    const param = declared.find((p) => p.name === name || `${p.name}[]` === name);
    if (!param) {
      problems.push(`query parameter ${name} is not declared for ${op.method.toUpperCase()} ${op.template}`);
      continue;
    }
    const problem = checkScalar(param, value);
    if (problem) problems.push(problem);
  }
  for (const param of declared) {
    if (param.required && !query.has(param.name))
      problems.push(`required query parameter ${param.name} is missing`);
  }
  return problems;
}

export function validateGitHubRequest(request: GitHubRequest): string[] {
  const op = findOperation(request.method, request.url);
  const name = label(request.method, request.url);
  if (!op) return [`${name}: no such endpoint in GitHub's REST API description (method + path)`];
  const problems = checkParameters(op, request.url);
  const { value, problem } = asJson(request.body);
  if (problem) problems.push(problem);
  const spec = loadSpec();
  const requestBody = spec.resolve(`${op.pointer}/requestBody`).node;
  const bodyPointer = `${op.pointer}/requestBody/content/application~1json/schema`;
  if (!isObject(requestBody)) {
    if (value !== undefined && !(isObject(value) && Object.keys(value).length === 0)) {
      problems.push(`${op.template} takes no request body, got ${JSON.stringify(value).slice(0, 200)}`);
    }
  } else if (value === undefined) {
    if (requestBody.required === true) problems.push(`${op.template} requires a JSON body`);
  } else if (spec.resolve(bodyPointer).node !== undefined) {
    const validate = spec.validator(bodyPointer);
    if (!validate(value)) problems.push(...formatAjvErrors(validate.errors, "body"));
    problems.push(...unknownKeys(spec.resolve(bodyPointer).node, value, "body"));
  }
  return problems.map((p) => (p.startsWith(name) ? p : `${name} (${op.template}): ${p}`));
}

export function validateGitHubResponse(response: GitHubResponse): string[] {
  const op = findOperation(response.method, response.url);
  const name = label(response.method, response.url);
  if (!op) return [`${name}: no such endpoint in GitHub's REST API description (method + path)`];
  const prefix = `${name} -> ${response.status} (${op.template})`;
  const spec = loadSpec();
  const responses = spec.resolve(`${op.pointer}/responses`).node;
  if (!isObject(responses)) return [`${prefix}: the operation documents no responses`];
  const key =
    String(response.status) in responses
      ? String(response.status)
      : "default" in responses
        ? "default"
        : undefined;
  if (!key)
    return [
      `${prefix}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(", ")})`,
    ];
  const contentPointer = `${op.pointer}/responses/${escapePointer(key)}/content/application~1json/schema`;
  const schema = spec.resolve(contentPointer).node;
  const isJson = !response.contentType || /json/i.test(response.contentType);
  if (!isJson) return [];
  const { value, problem } = asJson(response.body);
  if (problem) return [`${prefix}: ${problem}`];
  if (schema === undefined) {
    return value === undefined
      ? []
      : [`${prefix}: this status documents no body, got ${JSON.stringify(value).slice(0, 200)}`];
  }
  if (value === undefined) return [`${prefix}: a JSON body is documented but none was sent`];
  const validate = spec.validator(contentPointer);
  const problems = validate(value) ? [] : formatAjvErrors(validate.errors, "response");
  problems.push(...unknownKeys(schema, value, "response"));
  return problems.map((p) => `${prefix}: ${p}`);
}
