// Real GitHub response bodies for tests: the examples in GitHub's official REST description (@octokit/openapi).
import { loadSpec } from "../../tools/standin/openapi/spec.js";

/** A deep copy of `#/components/examples/<name>`'s value, e.g. "commit", "pull-request", "environment-approvals-items". */
export function openApiExample<T = unknown>(name: string): T {
  const node = loadSpec().resolve(`#/components/examples/${name}`).node;
  if (typeof node !== "object" || node === null || Array.isArray(node) || !("value" in node)) {
    throw new Error(`GitHub's OpenAPI description has no example named ${name}`);
  }
  return structuredClone(node.value) as T;
}
