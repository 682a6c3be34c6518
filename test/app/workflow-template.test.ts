import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseRunName, RUN_NAME_TEMPLATE, runName } from "../../src/pipeline/identity.js";

const text = readFileSync(new URL("../../examples/workflows/shipline.yml", import.meta.url), "utf8");
const workflow = parse(text) as {
  "run-name": string;
  on: { workflow_dispatch: { inputs: Record<string, unknown> } };
  jobs: Record<string, { environment: string; steps: { run?: string }[] }>;
};

describe("the deploy workflow template users copy", () => {
  it("declares every input the App dispatches and the stage's environment", () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual([
      "environment",
      "from",
      "mode",
      "pipeline",
      "reason",
      "release",
      "stage",
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression.
    expect(workflow.jobs.deploy!.environment).toBe("${{ inputs.environment }}");
  });

  it("names runs so the App can tie each deployment back to its release, stage and mode", () => {
    expect(workflow["run-name"]).toBe(RUN_NAME_TEMPLATE);
    // What GitHub renders from the template, for both shapes, parses back to the inputs.
    expect(parseRunName(runName({ release: "api/v1.2.0", stage: "canary", mode: "rollout" }))).toEqual({
      release: "api/v1.2.0",
      stage: "canary",
      mode: "rollout",
    });
    expect(parseRunName("shipline: v1.1.0 to production [rollback from v1.2.0]")).toEqual({
      release: "v1.1.0",
      stage: "production",
      mode: "rollback",
      from: "v1.2.0",
    });
    expect(parseRunName("Deploy to prod")).toBeUndefined();
  });

  it("has no expression inside a run: script (no script injection)", () => {
    const expression = ["$", "{{"].join("");
    for (const job of Object.values(workflow.jobs))
      for (const step of job.steps) expect(step.run ?? "").not.toContain(expression);
  });
});
