import type { Artifacts } from "./schema/artifacts.js";
import type { Check } from "./schema/checks.js";
import type { Driver } from "./schema/driver.js";
import type { Gates } from "./schema/gates.js";
import type { Marker } from "./schema/markers.js";
import type { Notify } from "./schema/notify.js";
import type { Stage } from "./schema/stage.js";

/** One resolved pipeline: every default applied, ready for the core. */
export interface Pipeline {
  name: string;
  workflow: string;
  tags: string;
  artifacts: Artifacts;
  targets: Record<string, string[]>;
  driver?: Driver;
  stages: ResolvedStage[];
  checks: Record<string, Check>;
  gates: Gates;
  rollback: { automatic: boolean; lock: boolean };
  notify: Notify;
  markers: Marker[];
}

export interface ResolvedStage extends Stage {
  environment: string;
  production: boolean;
  approvals: number;
}

export interface Config {
  version: 1;
  pipelines: Pipeline[];
}

/** A problem in a config file, where the user can find it. */
export interface ConfigProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };
