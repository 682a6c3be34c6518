/** The Action's interface; a contract test keeps these names in step with action.yml. */
export const Input = {
  release: "release",
  stage: "stage",
  mode: "mode",
  token: "token",
  config: "config",
  pipeline: "pipeline",
  from: "from",
  reason: "reason",
  workDir: "work-dir",
  clearance: "clearance",
} as const;

export const Output = {
  version: "version",
  targets: "targets",
  previousVersion: "previous-version",
} as const;

export { isMode, MODES, type Mode } from "../../src/config/vocabulary.js";
