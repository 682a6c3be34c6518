import type { AssetEndpoint } from "../../src/artifacts/fetch-release.js";
import type { Pipeline, ResolvedStage } from "../../src/config/types.js";
import type { ShiplineGitHub } from "./github.js";
import type { Mode, Output } from "./io.js";

export interface ActionInputs {
  release: string;
  stage: string;
  mode: Mode;
  token: string;
  config: string;
  pipeline: string;
  from: string;
  reason: string;
  workDir: string;
  /** `required` (default): a rollout runs only when Shipline dispatched this very run; `off`: no App in use. */
  clearance: "required" | "off";
}

/** Where the Action reports: the job log (with groups). */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  /** A notice annotation on the job (read back by the App through the job's check run). */
  notice(message: string, title: string): void;
  startGroup(name: string): void;
  endGroup(): void;
}

/** Runs `work` inside a collapsed log group. */
export async function inGroup<T>(log: Log, name: string, work: () => Promise<T>): Promise<T> {
  log.startGroup(name);
  try {
    return await work();
  } finally {
    log.endGroup();
  }
}

/** Everything a mode needs, read once by the runner. */
export interface ModeContext {
  inputs: ActionInputs;
  pipeline: Pipeline;
  stage: ResolvedStage;
  github: ShiplineGitHub;
  endpoint: AssetEndpoint;
  workspace: string;
  workDir: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export type OutputName = (typeof Output)[keyof typeof Output];

/** One result per run; the runner turns it into outputs, the job summary and the step's success or failure. */
export interface ModeResult {
  ok: boolean;
  message: string;
  outputs: Partial<Record<OutputName, string>>;
  summary?: string;
  /**
   * Title of the error annotation a failure is reported with. The App reads the job's annotations to tell a
   * failed rollout from failed or inconclusive verification (see VERIFY_FAILED / VERIFY_INCONCLUSIVE).
   */
  failureTitle?: string;
  /**
   * The environment's previous good release as this job found it (null: none), when it looked: a failed job's
   * verdict carries it to the App, which rolls back there without reading the deployments again.
   */
  previous?: string | null;
}
