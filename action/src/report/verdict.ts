import { encodeRecord } from "../../../src/records/codec.js";
import type { ModeResult } from "../context.js";
import type { Mode } from "../io.js";

/** What the runner learnt of the job before it ended (a failure may come before the mode or stage is known). */
export interface JobFacts {
  mode?: Mode;
  environment?: string;
}

/**
 * The error annotation a failed job ends with: the job's verdict, the last error it writes, which the App reads
 * (src/github/annotations.ts). Its title says whether verification failed or could not decide (none: the rollout
 * failed); for a rollout or verify job its last line is the `verdict` record with the environment's previous good
 * release as the job found it, so the App's one read of the annotations gives it the rollback target too.
 */
export function verdictAnnotation(result: ModeResult, facts: JobFacts): { title?: string; message: string } {
  const verdictMode = facts.mode === "rollout" || facts.mode === "verify";
  const record = verdictMode ? verdictRecord(facts.environment, result.previous) : undefined;
  return {
    ...(result.failureTitle ? { title: result.failureTitle } : {}),
    message: record ? `${result.message}\n${record}` : result.message,
  };
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
