import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { GateResult } from "../../src/gates/types.js";
import { dispatchedCheck } from "../../src/pipeline/dispatch-outcome.js";
import { holdDispatch } from "../../src/pipeline/hold.js";
import { onDeploymentStatus, onReleasePublished } from "../../src/pipeline/index.js";
import type { CheckAction, CheckRunState, Effect, Snapshot, StageEvent } from "../../src/pipeline/types.js";
import { pipelineRelease } from "../support/pipeline-release.js";

// GitHub shows a check run's buttons only once it has completed (issue 12): whatever happens to a release, no
// decision ever writes buttons on a queued or in-progress check run, nor lets a dispatch write them on the
// check run it puts in progress; and every button GitHub gets fits its limits.

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

interface Written {
  name: string;
  status: string;
  actions: CheckAction[] | undefined;
}

function configText(stages: number, manual: boolean[]): string {
  const lines = Array.from({ length: stages }, (_, i) => {
    const env = i === 0 ? "staging" : "production";
    return `  - { name: s${i}, environment: ${env}, approvals: 0${manual[i] ? ", promote: manual" : ""} }`;
  });
  return `targets: { eu: [a, b, c, d] }\nstages:\n${lines.join("\n")}\n`;
}

const eventArb = fc.record({
  stage: fc.integer({ min: 0, max: 3 }),
  state: fc.constantFrom("in_progress", "success", "failure", "error"),
  verification: fc.constantFrom(undefined, "failed", "inconclusive"),
  hold: fc.boolean(),
});

describe("buttons where GitHub shows them (property-based)", () => {
  it("never puts actions on a check run that is not completed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.array(eventArb, { maxLength: 30 }),
        (stages, manual, events) => {
          const parsed = parseConfig(configText(stages, manual));
          if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
          const cfg = parsed.config;
          const pipeline = cfg.pipelines[0]!;
          const release = pipelineRelease();
          const snapshot: Snapshot = { release, checkRuns: [] as CheckRunState[] };
          const written: Written[] = [];
          let nextId = 1;
          let run = 100;
          const write = (name: string, status: string, summary: string, conclusion?: string, id?: number) => {
            const existing = id ? snapshot.checkRuns.find((c) => c.id === id) : undefined;
            if (existing) Object.assign(existing, { status, summary, conclusion: conclusion ?? null });
            else
              snapshot.checkRuns.push({
                id: nextId++,
                name,
                status: status as CheckRunState["status"],
                conclusion: (conclusion ?? null) as CheckRunState["conclusion"],
                summary,
              });
          };
          const apply = (effects: Effect[], hold: boolean) => {
            for (const effect of effects) {
              if (effect.kind === "create-check" || effect.kind === "update-check") {
                written.push({ name: effect.name, status: effect.status, actions: effect.actions });
                write(
                  effect.name,
                  effect.status,
                  effect.summary,
                  effect.conclusion,
                  effect.kind === "update-check" ? effect.id : undefined,
                );
              } else if (effect.kind === "dispatch" && effect.check) {
                const dispatch = effect as Dispatch & { check: NonNullable<Dispatch["check"]> };
                if (hold && dispatch.inputs.mode === "rollout") {
                  const closed: GateResult = {
                    gate: "window",
                    ok: false,
                    reason: "closed",
                    until: new Date(0),
                  };
                  apply(
                    holdDispatch(
                      pipeline,
                      snapshot,
                      dispatch,
                      { approved: false, verdict: "reject", results: [closed], comment: "", markdown: "" },
                      new Date(1_000),
                    ),
                    false,
                  );
                  continue;
                }
                const previous = snapshot.checkRuns.find((c) => c.name === dispatch.check.name);
                const text = dispatchedCheck(dispatch, { runId: ++run }, new Date(2_000), previous?.summary);
                written.push({ name: text.name, status: text.status, actions: text.actions });
                write(text.name, text.status, text.summary, text.conclusion, previous?.id);
              }
            }
          };
          apply(onReleasePublished({ ok: true, config: cfg }, snapshot).effects, false);
          for (const e of events) {
            if (e.stage >= stages) continue;
            const stage = pipeline.stages[e.stage]!;
            const check = snapshot.checkRuns.find((c) => c.name === `shipline / ${stage.name}`);
            const runId = Number(/"run":(\d+)/.exec(check?.summary ?? "")?.[1] ?? 0) || undefined;
            const event: StageEvent = {
              release: "v2",
              stage: stage.name,
              mode: "rollout",
              state: e.state as StageEvent["state"],
              environment: stage.environment,
              deploymentId: 1,
              ...(runId ? { runId } : {}),
              ...(e.verification && e.state !== "success" && e.state !== "in_progress"
                ? { verification: e.verification as "failed" | "inconclusive" }
                : {}),
            };
            apply(onDeploymentStatus(cfg, snapshot, event, "v1", new Date(3_000)).effects, e.hold);
          }
          for (const w of written) {
            if (w.status !== "completed") expect(w.actions ?? []).toEqual([]);
            expect((w.actions ?? []).length).toBeLessThanOrEqual(3);
            for (const a of w.actions ?? []) {
              expect(a.label.length).toBeLessThanOrEqual(20);
              expect(a.description.length).toBeLessThanOrEqual(40);
              expect(a.identifier.length).toBeLessThanOrEqual(20);
            }
          }
          // And the buttons are there where they can be pressed: a stage that succeeded before a stage that
          // waits for /promote offers Promote.
          for (const [i, stage] of pipeline.stages.entries()) {
            const next = pipeline.stages[i + 1];
            const check = snapshot.checkRuns.find((c) => c.name === `shipline / ${stage.name}`);
            if (next?.promote !== "manual" || check?.conclusion !== "success") continue;
            const last = written.filter((w) => w.name === check.name && w.status === "completed").at(-1);
            expect(last?.actions?.map((a) => a.identifier)).toContain("promote");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
