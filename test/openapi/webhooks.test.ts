import { describe, expect, it } from "vitest";
import {
  deploymentProtectionRulePayload,
  examplePayload,
  examplePayloads,
  validateWebhookPayload,
  validateWebhookPayloadOpenApi,
} from "../support/webhooks.js";

describe("examplePayload", () => {
  it.each([
    ["release", "published"],
    ["deployment_status", "created"],
    ["deployment", "created"],
    ["issue_comment", "created"],
    ["check_run", "requested_action"],
  ] as const)("returns a real %s.%s payload that the webhook schemas accept", (event, action) => {
    const payload = examplePayload(event, action);
    expect(payload.action).toBe(action);
    expect(validateWebhookPayload(event, payload)).toEqual([]);
  });

  it("returns a deep clone the test may modify", () => {
    const first = examplePayload("release", "published");
    first.release.tag_name = "v9.9.9";
    expect(examplePayload("release", "published").release.tag_name).not.toBe("v9.9.9");
  });

  it("throws for an event with no examples", () => {
    expect(() => examplePayloads("no_such_event")).toThrow(/no no_such_event examples/);
  });
});

describe("validateWebhookPayload", () => {
  it("reports a payload that does not match its event's schema", () => {
    const payload: Record<string, unknown> = { ...examplePayload("release", "published"), surprise: 1 };
    delete payload.sender;
    const problems = validateWebhookPayload("release", payload);
    expect(problems.join("\n")).toMatch(/required property 'sender'/);
    expect(problems.join("\n")).toMatch(/must NOT have additional properties/);
  });
});

describe("deploymentProtectionRulePayload", () => {
  it("satisfies the deployment_protection_rule.requested schema of GitHub's OpenAPI description", () => {
    expect(
      validateWebhookPayloadOpenApi("deployment_protection_rule", deploymentProtectionRulePayload()),
    ).toEqual([]);
  });

  it("applies overrides and still validates", () => {
    const payload = deploymentProtectionRulePayload({
      environment: "staging",
      deployment_callback_url:
        "http://127.0.0.1:4000/api/v3/repos/o/r/actions/runs/5/deployment_protection_rule",
      deployment: { environment: "staging", ref: "v2.0.0" },
    });
    expect(payload.deployment?.ref).toBe("v2.0.0");
    expect(payload.deployment?.task).toBe("deploy");
    expect(validateWebhookPayloadOpenApi("deployment_protection_rule", payload)).toEqual([]);
  });

  it("is caught by the schema when its shape is wrong", () => {
    const payload = deploymentProtectionRulePayload({
      deployment_callback_url: "not a url",
      environment: undefined,
    });
    expect(
      validateWebhookPayloadOpenApi("deployment_protection_rule", { ...payload, extra: true }).join("\n"),
    ).toMatch(/deployment_callback_url: must match format "uri"[\s\S]*extra: unknown property/);
  });

  // @octokit/webhooks-schemas 7.6 predates the `sha` and `ref` fields GitHub's OpenAPI description now documents.
  it("passes @octokit/webhooks-schemas once the newer sha/ref fields are left out", () => {
    const { sha: _sha, ref: _ref, ...older } = deploymentProtectionRulePayload();
    expect(validateWebhookPayload("deployment_protection_rule", older)).toEqual([]);
  });
});
