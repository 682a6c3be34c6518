export { formatDuration, parseDuration } from "./duration.js";
export { globToRegExp, matchesGlob, pipelineForTag } from "./match.js";
export { CONFIG_PATH, formatProblems, MAX_CONFIG_BYTES, parseConfig } from "./parse.js";
export type { Config, ConfigProblem, ConfigResult, Pipeline, ResolvedStage } from "./types.js";
