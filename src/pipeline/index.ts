export { checkDeployable, isTrustedUploader } from "./deployable.js";
export {
  CHECK_PREFIX,
  CONFIG_CHECK,
  claimRef,
  parseRunName,
  RELEASE_CHECK,
  RUN_NAME_TEMPLATE,
  runName,
  stageCheckName,
} from "./identity.js";
export { configFailure, dispatchEffect, onReleasePublished, upsertCheck } from "./published.js";
export { findCheck, pausedBy, releaseCheck, stageViews } from "./state.js";
export { needsJobReport, needsPreviousRelease, onDeploymentStatus } from "./status.js";
export { pipelineMarkdown } from "./summary.js";
export type * from "./types.js";
