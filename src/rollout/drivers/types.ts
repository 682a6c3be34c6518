import type { InstallMode } from "../../config/vocabulary.js";
import type { Target, Wave } from "../plan.js";

export type RunMode = InstallMode;

export interface DeployContext {
  mode: RunMode;
  stage: string;
  environment: string;
  wave: Wave;
}

export interface DeployResult {
  /** False when the target(s) already ran the version and nothing was done. */
  changed: boolean;
  detail: string;
}

/**
 * Installs a release on targets and puts them back. `deploy` and `restore` get one target, or a whole wave when
 * `perBatch` is set. `before` reads what restore needs, before anything is changed.
 */
export interface TargetDriver<Before = unknown> {
  readonly kind: string;
  readonly perBatch: boolean;
  before(targets: readonly Target[]): Promise<Before>;
  deploy(targets: readonly Target[], context: DeployContext): Promise<DeployResult>;
  restore(targets: readonly Target[], before: Before, context: DeployContext): Promise<string>;
}
