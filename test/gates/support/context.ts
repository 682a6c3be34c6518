import { parseConfig } from "../../../src/config/parse.js";
import type { Pipeline } from "../../../src/config/types.js";
import type { GateContext } from "../../../src/gates/types.js";

export const BASE_YAML = `
stages:
  - { name: staging }
  - { name: canary, environment: production, percent: 10, bake: 30m }
  - { name: production, waves: [25, 50, 100], bake: 10m }
targets:
  eu-west: [web-1, web-2]
`;

/** A resolved pipeline from YAML, through the real config parser. */
export function pipelineFrom(yaml: string): Pipeline {
  const result = parseConfig(yaml);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config.pipelines[0]!;
}

/** A rollout of v1.2.0 to `stage` with every earlier stage succeeded long ago; override what the test is about. */
export function contextFor(
  stage: string,
  overrides: Partial<GateContext> = {},
  yaml: string = BASE_YAML,
): GateContext {
  const pipeline = pipelineFrom(yaml);
  const s = pipeline.stages.find((x) => x.name === stage);
  if (!s) throw new Error(`no stage ${stage}`);
  const now = overrides.now ?? new Date("2025-01-14T10:00:00Z");
  const index = pipeline.stages.indexOf(s);
  return {
    pipeline,
    stage: s,
    mode: "rollout",
    release: { tag: "v1.2.0", author: "alice" },
    triggeredBy: "bob",
    stages: pipeline.stages.slice(0, index).map((p) => ({
      name: p.name,
      conclusion: "success",
      completedAt: new Date(now.getTime() - 86_400_000),
    })),
    approvals: [],
    requiredChecks: [],
    now,
    ...overrides,
  };
}
