import { decodeRecords } from "../../src/records/codec.js";
import { type CommitChecks, shiplineChecks } from "./commit-checks.js";

export interface ClearanceQuery {
  stage: string;
  runId: number;
  /** How long to wait for the App's record (it writes it right after GitHub answers the dispatch). */
  waitMs: number;
  sleep(ms: number): Promise<void>;
}

/**
 * Whether Shipline cleared this very run: the App records, on the stage's check run, the run it dispatched
 * after evaluating the stage's gates (`dispatched {run}`). Only a GitHub App can write a check run that is not
 * GitHub Actions', so a run started by hand (or a record forged with the job's token) is never cleared. The
 * commit's check runs as first read (for the organisation defaults) are looked at first; only a wait reads again.
 */
export async function checkClearance(
  checks: CommitChecks,
  sha: string,
  q: ClearanceQuery,
): Promise<{ ok: true } | { ok: false; why: string }> {
  const name = `shipline / ${q.stage}`;
  const deadline = Date.now() + q.waitMs;
  for (let attempt = 0; ; attempt++) {
    const runs = (await (attempt ? checks.fresh() : checks.current())).filter((c) => c.name === name);
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
          : `there is no "${name}" check run by the Shipline App on ${sha.slice(0, 7)}${forged}.`,
      };
    }
    await q.sleep(Math.min(2_000, Math.max(deadline - Date.now(), 0)));
  }
}
