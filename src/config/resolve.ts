import { Artifacts } from "./schema/artifacts.js";
import { Gates } from "./schema/gates.js";
import { Notify } from "./schema/notify.js";
import type { ConfigFile, PipelineInput } from "./schema/pipeline.js";
import type { Stage } from "./schema/stage.js";
import { sharedFolderProblem, targetNameProblem } from "./schema/targets.js";
import type { Config, Pipeline, ResolvedStage } from "./types.js";

export interface ResolveProblem {
  path: (string | number)[];
  message: string;
}

const DEFAULT_PIPELINE = "default";

/** Applies top-level defaults to each pipeline and checks what one schema node cannot see alone. */
export function resolveConfig(
  file: ConfigFile,
): { ok: true; config: Config } | { ok: false; problems: ResolveProblem[] } {
  const { pipelines: named, version: _v, $schema: _s, ...shared } = file;
  const entries: [string, PipelineInput, (string | number)[]][] = named
    ? Object.entries(named).map(([name, p]) => [name, { ...shared, ...p }, ["pipelines", name]])
    : [[DEFAULT_PIPELINE, shared, []]];
  const problems: ResolveProblem[] = [];
  const pipelines = entries.map(([name, input, at]) => resolvePipeline(name, input, at, problems));
  // Target names against the driver that will use them (top-level targets: reported once, at their own path).
  const seen = new Set<string>();
  for (const [name, input, at] of entries) {
    const targetsAt = named?.[name]?.targets ? [...at, "targets"] : ["targets"];
    const shared = sharedFolderProblem(input.driver, Object.values(input.targets ?? {}).flat());
    const driverAt = named?.[name]?.driver ? [...at, "driver", "path"] : ["driver", "path"];
    if (shared && !seen.has(`${driverAt.join(".")}:${shared}`)) {
      seen.add(`${driverAt.join(".")}:${shared}`);
      problems.push({ path: driverAt, message: shared });
    }
    for (const [region, list] of Object.entries(input.targets ?? {}))
      list.forEach((target, i) => {
        const message = targetNameProblem(target, input.driver);
        const path = [...targetsAt, region, i];
        if (message && !seen.has(`${path.join(".")}:${message}`)) {
          seen.add(`${path.join(".")}:${message}`);
          problems.push({ path, message });
        }
      });
  }
  if (named && Object.keys(named).length === 0)
    problems.push({ path: ["pipelines"], message: "declare at least one pipeline" });
  return problems.length ? { ok: false, problems } : { ok: true, config: { version: 1, pipelines } };
}

function resolvePipeline(
  name: string,
  input: PipelineInput,
  at: (string | number)[],
  problems: ResolveProblem[],
): Pipeline {
  if (!input.stages)
    problems.push({
      path: [...at, "stages"],
      message: "declare at least one stage, e.g. - { name: production }",
    });
  const targets = input.targets ?? {};
  const checks = input.checks ?? {};
  const stages = (input.stages ?? []).map((s, i) =>
    resolveStage(s, [...at, "stages", i], targets, checks, problems),
  );
  const seen = new Set<string>();
  stages.forEach((s, i) => {
    if (seen.has(s.name))
      problems.push({ path: [...at, "stages", i, "name"], message: `stage "${s.name}" is declared twice` });
    seen.add(s.name);
  });
  const allTargets = Object.values(targets).flat();
  const duplicate = allTargets.find((t, i) => allTargets.indexOf(t) !== i);
  if (duplicate)
    problems.push({
      path: [...at, "targets"],
      message: `target "${duplicate}" appears in more than one place`,
    });
  const gates = input.gates ?? Gates.parse({});
  for (const [key, list] of [
    ["windows", gates.windows?.stages],
    ["error-budget", gates["error-budget"]?.stages],
  ] as const) {
    for (const stage of list ?? []) {
      if (!seen.has(stage))
        problems.push({ path: [...at, "gates", key, "stages"], message: `no stage is named "${stage}"` });
    }
  }
  return {
    name,
    workflow: input.workflow ?? "shipline.yml",
    tags: input.tags ?? "*",
    artifacts: input.artifacts ?? Artifacts.parse({}),
    targets,
    ...(input.driver ? { driver: input.driver } : {}),
    stages,
    checks,
    gates,
    rollback: input.rollback ?? { automatic: true, lock: true },
    notify: input.notify ?? Notify.parse({}),
    markers: input.markers ?? [],
  } as Pipeline;
}

function resolveStage(
  stage: Stage,
  at: (string | number)[],
  targets: Record<string, string[]>,
  checks: Record<string, unknown>,
  problems: ResolveProblem[],
): ResolvedStage {
  if (stage.targets !== "all") {
    stage.targets.forEach((region, i) => {
      if (!(region in targets)) {
        const known = Object.keys(targets).join(", ") || "none declared";
        problems.push({
          path: [...at, "targets", i],
          message: `unknown region "${region}" (regions: ${known})`,
        });
      }
    });
  }
  stage.verify.forEach((check, i) => {
    if (!(check in checks))
      problems.push({ path: [...at, "verify", i], message: `no check named "${check}" under checks` });
  });
  if (stage.waves && stage.waves[stage.waves.length - 1] !== 100) {
    problems.push({
      path: [...at, "waves"],
      message: "the last wave must be 100 (use `percent` for a partial canary)",
    });
  }
  if ((stage.percent !== undefined || stage.waves) && Object.keys(targets).length === 0) {
    problems.push({ path: [...at], message: "`percent` and `waves` need `targets` to choose from" });
  }
  const environment = stage.environment ?? stage.name;
  const production = stage.production ?? /prod/i.test(environment);
  return { ...stage, environment, production, approvals: stage.approvals ?? (production ? 1 : 0) };
}
