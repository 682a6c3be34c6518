export { commandDriver } from "./drivers/command.js";
export { directoryDriver, targetDirectory } from "./drivers/directory.js";
export type { DeployContext, RunMode, TargetDriver } from "./drivers/types.js";
export { type RunReport, runWaves, type TargetReport, type WaveReport } from "./execute.js";
export { planRollback, planStage, type StagePlan, stagePool, type Target, type Wave } from "./plan.js";
export { lazySource, type ReleaseSource } from "./source.js";
export { summaryMarkdown } from "./summary.js";
