import { expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse.js";
import type { Pipeline } from "../../src/config/types.js";
import { planRollback, planStage, sampleTargets } from "../../src/rollout/plan.js";

function pipeline(
  stages: string,
  targets = "{ eu: [e1, e2, e3, e4, e5], us: [u1, u2, u3, u4, u5], ap: [a1, a2] }",
): Pipeline {
  const result = parseConfig(`targets: ${targets}\nstages:\n${stages}`);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config.pipelines[0]!;
}
const names = (ts: { name: string }[]) => ts.map((t) => t.name);

it("cuts cumulative percentage waves over interleaved regions, dropping empty cuts", () => {
  const p = pipeline("  - { name: prod, waves: [25, 50, 100] }");
  const plan = planStage(p, p.stages[0]!, "v1");
  expect(plan.waves.map((w) => [w.label, names(w.targets)])).toEqual([
    ["25%", ["e1", "u1", "a1"]],
    ["50%", ["e2", "u2", "a2"]],
    ["100%", ["e3", "u3", "e4", "u4", "e5", "u5"]],
  ]);
  const tiny = pipeline("  - { name: prod, waves: [25, 50, 100] }", "{ eu: [e1, e2] }");
  expect(planStage(tiny, tiny.stages[0]!, "v1").waves.map((w) => names(w.targets))).toEqual([["e1"], ["e2"]]);
});

it("deploys one region, or one host, per wave", () => {
  const p = pipeline("  - { name: prod, by: region }\n  - { name: slow, by: host, targets: [ap] }");
  expect(planStage(p, p.stages[0]!, "v1").waves.map((w) => w.label)).toEqual(["eu", "us", "ap"]);
  expect(planStage(p, p.stages[1]!, "v1").waves.map((w) => names(w.targets))).toEqual([["a1"], ["a2"]]);
});

it("picks a canary at random, reproducibly per release, covering every region when asked", () => {
  const p = pipeline("  - { name: canary, percent: 10, every-region: true }");
  const stage = p.stages[0]!;
  const a = planStage(p, stage, "v1.2.0").waves[0]!.targets;
  expect(planStage(p, stage, "v1.2.0").waves[0]!.targets).toEqual(a);
  expect(new Set(a.map((t) => t.region))).toEqual(new Set(["eu", "us", "ap"]));
  const picks = new Set(
    ["v1", "v2", "v3", "v4", "v5", "v6"].map((v) => names(planStage(p, stage, v).waves[0]!.targets).join()),
  );
  expect(picks.size).toBeGreaterThan(1);
});

it("samples ceil(percent) of the pool, whatever the order of the config", () => {
  const pool = Array.from({ length: 20 }, (_, i) => ({ name: `h${i}`, region: i < 10 ? "a" : "b" }));
  expect(sampleTargets(pool, 10, false, "s")).toHaveLength(2);
  expect(sampleTargets(pool, 11, false, "s")).toHaveLength(3);
  expect(sampleTargets(pool, 1, false, "s")).toHaveLength(1);
  expect(names(sampleTargets([...pool].reverse(), 25, false, "s")).sort()).toEqual(
    names(sampleTargets(pool, 25, false, "s")).sort(),
  );
});

it("rolls a canary back on exactly the targets its rollout chose, in one wave", () => {
  const p = pipeline("  - { name: canary, percent: 20 }\n  - { name: prod, waves: [50, 100] }");
  const rollout = planStage(p, p.stages[0]!, "v7").waves.flatMap((w) => w.targets);
  expect(planRollback(p, p.stages[0]!, "v7").waves).toEqual([
    { index: 1, label: "rollback", targets: rollout },
  ]);
  expect(planRollback(p, p.stages[1]!, "v7").waves[0]!.targets).toHaveLength(12);
});

it("deploys a stage without targets to one stand-in target named after its environment", () => {
  const result = parseConfig("stages: [{ name: staging, environment: stage-env }]");
  if (!result.ok) throw new Error("bad config");
  const p = result.config.pipelines[0]!;
  expect(planStage(p, p.stages[0]!, "v1").waves).toEqual([
    { index: 1, label: "100%", targets: [{ name: "stage-env", region: "default" }] },
  ]);
});
