import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import { onDeploymentStatus, onReleasePublished, stageCheckName } from "../../src/pipeline/index.js";
import type { CheckRunState, Effect, Snapshot, StageEvent } from "../../src/pipeline/types.js";
import { pipelineRelease } from "../support/pipeline-release.js";

// The pipeline state machine under random, duplicated and out-of-order deployment_status events, with
// effects applied to an in-memory GitHub (check runs and claim refs) the way the shell applies them.

function config(stages: number): Config {
  const text = `stages:\n${Array.from({ length: stages }, (_, i) => `  - { name: s${i}, environment: ${i % 2 ? "production" : "staging"} }`).join("\n")}\n`;
  const result = parseConfig(text);
  if (!result.ok) throw new Error("bad test config");
  return result.config;
}

interface World {
  snapshot: Snapshot;
  claims: Set<string>;
  dispatches: { stage: string; mode: string; ref: string; whenPreviousWas: string | null }[];
  nextId: number;
}

function apply(world: World, effects: Effect[], stageNames: string[]) {
  for (const effect of effects) {
    if (effect.kind === "create-check") {
      world.snapshot.checkRuns.push({
        id: world.nextId++,
        name: effect.name,
        status: effect.status,
        conclusion: effect.conclusion ?? null,
        summary: effect.summary,
      });
    } else if (effect.kind === "update-check") {
      const check = world.snapshot.checkRuns.find((c) => c.id === effect.id)!;
      Object.assign(check, {
        status: effect.status,
        conclusion: effect.conclusion ?? check.conclusion,
        summary: effect.summary,
      });
    } else if (effect.kind === "dispatch") {
      if (world.claims.has(effect.claim)) continue;
      world.claims.add(effect.claim);
      const i = stageNames.indexOf(effect.inputs.stage);
      const previous =
        i > 0
          ? world.snapshot.checkRuns.find((c) => c.name === stageCheckName(stageNames[i - 1]!))
          : undefined;
      world.dispatches.push({
        stage: effect.inputs.stage,
        mode: effect.inputs.mode,
        ref: effect.ref,
        whenPreviousWas: previous ? (previous.conclusion ?? previous.status) : null,
      });
    }
  }
}

const eventArb = (stages: number) =>
  fc.record({
    stage: fc.integer({ min: 0, max: stages - 1 }),
    state: fc.constantFrom("queued", "in_progress", "success", "failure", "error"),
    repeat: fc.integer({ min: 1, max: 3 }),
  });

describe("the pipeline state machine (property-based)", () => {
  it("never promotes past a failed stage, dispatches each stage once, and rolls back only to a release that succeeded", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.array(eventArb(5), { maxLength: 40 }),
        (stages, events) => {
          const cfg = config(stages);
          const names = cfg.pipelines[0]!.stages.map((s) => s.name);
          const release = pipelineRelease();
          const world: World = {
            snapshot: { release, checkRuns: [] as CheckRunState[] },
            claims: new Set(),
            dispatches: [],
            nextId: 1,
          };
          apply(world, onReleasePublished({ ok: true, config: cfg }, world.snapshot).effects, names);
          for (const e of events) {
            if (e.stage >= stages) continue;
            const env = cfg.pipelines[0]!.stages[e.stage]!.environment;
            const event: StageEvent = {
              release: "v2",
              stage: names[e.stage]!,
              mode: "rollout",
              state: e.state as StageEvent["state"],
              environment: env,
              deploymentId: 1,
            };
            for (let r = 0; r < e.repeat; r++)
              apply(
                world,
                onDeploymentStatus(cfg, world.snapshot, event, "v1", new Date("2026-11-20T10:00:00Z"))
                  .effects,
                names,
              );
          }
          const rollouts = world.dispatches.filter((d) => d.mode === "rollout");
          // Each stage is rolled out at most once.
          expect(new Set(rollouts.map((d) => d.stage)).size).toBe(rollouts.length);
          // A stage after the first is dispatched only when the previous stage's check run says success.
          for (const d of rollouts) if (d.stage !== names[0]) expect(d.whenPreviousWas).toBe("success");
          // A rollback goes to the release that succeeded before (v1), never to the failing one.
          for (const d of world.dispatches.filter((x) => x.mode === "rollback")) expect(d.ref).toBe("v1");
          // No failed stage is ever followed by a later stage that succeeded through Shipline's promotion.
          const failed = names.findIndex(
            (n) =>
              world.snapshot.checkRuns.find((c) => c.name === stageCheckName(n))?.conclusion === "failure",
          );
          if (failed >= 0)
            for (const d of rollouts) expect(names.indexOf(d.stage)).toBeLessThanOrEqual(failed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
