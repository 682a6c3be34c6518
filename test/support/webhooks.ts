// Real webhook payloads for tests, from @octokit/webhooks-examples, and schema checks for payloads.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import {
  validateWebhookPayload,
  validateWebhookPayloadOpenApi,
} from "../../tools/standin/openapi/webhooks.js";

export { validateWebhookPayload, validateWebhookPayloadOpenApi };

export type WebhookEvent = Exclude<EmitterWebhookEventName, `${string}.${string}`>;
export type WebhookPayload<
  E extends WebhookEvent,
  A extends string = string,
> = `${E}.${A}` extends EmitterWebhookEventName
  ? EmitterWebhookEvent<`${E}.${A}`>["payload"]
  : EmitterWebhookEvent<E>["payload"];

interface Definition {
  name: string;
  actions: string[];
  examples: Record<string, unknown>[];
}

let definitions: Definition[] | undefined;

function load(): Definition[] {
  if (!definitions) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    // Trust boundary: the package's documented shape ({ name, actions, examples }[]).
    definitions = JSON.parse(readFileSync(file, "utf8")) as Definition[];
  }
  return definitions;
}

/** Every example payload of an event (and action), as published; some old ones fail today's schemas. */
export function examplePayloads(event: string, action?: string): Record<string, unknown>[] {
  const definition = load().find((d) => d.name === event);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no ${event} examples`);
  return definition.examples
    .filter((e) => action === undefined || e.action === action)
    .map((e) => structuredClone(e));
}

/**
 * A deep clone of a real payload for `event`/`action` from @octokit/webhooks-examples: the first example that
 * @octokit/webhooks-schemas accepts (some published examples predate the schema), else the first one.
 */
export function examplePayload<E extends WebhookEvent, A extends string>(
  event: E,
  action?: A,
): WebhookPayload<E, A> {
  const candidates = examplePayloads(event, action);
  const chosen = candidates.find((p) => validateWebhookPayload(event, p).length === 0) ?? candidates[0];
  if (!chosen)
    throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ""} example`);
  // Trust boundary: a published GitHub payload for this event.
  return chosen as WebhookPayload<E, A>;
}

export type DeploymentProtectionRulePayload =
  EmitterWebhookEvent<"deployment_protection_rule.requested">["payload"] & {
    sha?: string;
    ref?: string;
  };

/**
 * A `deployment_protection_rule.requested` payload (webhooks-examples has none), built to satisfy the schema in
 * the `x-webhooks` of GitHub's OpenAPI description (#/components/schemas/webhook-deployment-protection-rule-requested).
 * Repository, organization, installation and sender come from a real `deployment_status` example.
 * `overrides` replaces top-level fields; `deployment` fields are merged.
 */
export function deploymentProtectionRulePayload(
  overrides: Partial<Omit<DeploymentProtectionRulePayload, "deployment">> & {
    deployment?: Partial<NonNullable<DeploymentProtectionRulePayload["deployment"]>>;
  } = {},
): DeploymentProtectionRulePayload {
  const source = examplePayloads("deployment_status", "created").find(
    (p) => "installation" in p && "organization" in p,
  );
  if (!source) throw new Error("no deployment_status example with an installation");
  const repository = source.repository as { full_name: string; url: string };
  const runId = 30433642;
  const sha = "ab4dcaf2a3d2d4e1f0c5a8c6e7d1b2a3c4d5e6f7";
  const ref = "v1.2.0";
  const environment = "production";
  const baseDeployment = source.deployment as Record<string, unknown>;
  const { deployment: deploymentOverrides, ...rest } = overrides;
  const deployment = {
    ...baseDeployment,
    sha,
    ref,
    task: "deploy",
    payload: {},
    environment,
    original_environment: environment,
    description: null,
    ...deploymentOverrides,
  };
  const payload = {
    action: "requested",
    environment,
    event: "workflow_dispatch",
    sha,
    ref,
    deployment_callback_url: `${repository.url}/actions/runs/${runId}/deployment_protection_rule`,
    deployment,
    pull_requests: [],
    repository: source.repository,
    organization: source.organization,
    installation: source.installation,
    sender: source.sender,
    ...rest,
  };
  // Trust boundary: built from a real payload and checked against the schema in test/openapi/.
  return payload as unknown as DeploymentProtectionRulePayload;
}
