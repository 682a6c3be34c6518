import { decodeRecords } from "../../src/records/codec.js";
import type { ShiplineCheckRun, ShiplineGitHub } from "./github.js";

/** GitHub's own App: a workflow's GITHUB_TOKEN creates check runs as it, so its check runs prove nothing. */
const GITHUB_ACTIONS_APP = "github-actions";

export interface ClearanceQuery {
  sha: string;
  stage: string;
  runId: number;
  /** How long to wait for the App's record (it writes it right after GitHub answers the dispatch). */
  waitMs: number;
  sleep(ms: number): Promise<void>;
}

/** Shipline's check runs on the commit: written by a GitHub App, never by a workflow's GITHUB_TOKEN. */
export function shiplineChecks(runs: readonly ShiplineCheckRun[], name: string): ShiplineCheckRun[] {
  return runs.filter((c) => c.name === name && c.app?.slug && c.app.slug !== GITHUB_ACTIONS_APP);
}

/**
 * Whether Shipline cleared this very run: the App records, on the stage's check run, the run it dispatched
 * after evaluating the stage's gates (`dispatched {run}`). Only a GitHub App can write a check run that is not
 * GitHub Actions', so a run started by hand (or a record forged with the job's token) is never cleared.
 */
export async function checkClearance(
  github: ShiplineGitHub,
  q: ClearanceQuery,
): Promise<{ ok: true } | { ok: false; why: string }> {
  const name = `shipline / ${q.stage}`;
  const deadline = Date.now() + q.waitMs;
  for (;;) {
    const runs = await github.listCheckRuns(q.sha, name);
    const own = shiplineChecks(runs, name);
    const cleared = own.some((c) =>
      decodeRecords("dispatched", c.output?.summary ?? "").some((r) => r.run === q.runId),
    );
    if (cleared) return { ok: true };
    if (Date.now() >= deadline) {
      const forged =
        runs.length > own.length ? " (a check run of that name by GitHub Actions does not count)" : "";
      return {
        ok: false,
        why: own.length
          ? `Shipline did not dispatch workflow run ${q.runId}: the check run "${name}" records no such dispatch${forged}.`
          : `there is no "${name}" check run by the Shipline App on ${q.sha.slice(0, 7)}${forged}.`,
      };
    }
    await q.sleep(Math.min(2_000, Math.max(deadline - Date.now(), 0)));
  }
}
