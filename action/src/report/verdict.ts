import { encodeRecord } from "../../../src/records/codec.js";
import { ROLLOUT_FAILED } from "../../../src/verify/outcome.js";
import type { ModeResult } from "../context.js";
import type { Mode } from "../io.js";

/** What the runner learnt of the job before it ended (a failure may come before the mode or stage is known). */
export interface JobFacts {
  mode?: Mode;
  environment?: string;
}

/**
 * The error annotation a failed rollout or verify job ends with: the job's verdict, the last error it writes,
 * which the App reads (src/github/annotations.ts). Its title says what failed (verification failed or
 * inconclusive, else the rollout); its last line is the `verdict` record with the environment's previous good
 * release as the job found it, so the App's one read of the annotations gives it the rollback target too.
 * Other modes (a rollback) end with a plain failure: the App reads no verdict from them.
 */
export function verdictAnnotation(
  result: ModeResult,
  facts: JobFacts,
): { title: string; message: string } | undefined {
  const verdictMode = facts.mode === "rollout" || facts.mode === "verify";
  if (!verdictMode && !result.failureTitle) return undefined;
  const title = result.failureTitle ?? ROLLOUT_FAILED;
  const record = verdictMode ? verdictRecord(facts.environment, result.previous) : undefined;
  return { title, message: record ? `${result.message}\n${record}` : result.message };
}

function verdictRecord(
  environment: string | undefined,
  previous: string | null | undefined,
): string | undefined {
  if (!environment) return undefined;
  try {
    return encodeRecord("verdict", { environment, ...(previous !== undefined ? { previous } : {}) });
  } catch {
    // A name the codec does not take (an environment or tag outside its bounds): the App reads it itself.
    return undefined;
  }
}
