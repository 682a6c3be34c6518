import type { ShiplineCheckRun, ShiplineGitHub } from "./github.js";

/** GitHub's own App: a workflow's GITHUB_TOKEN creates check runs as it, so its check runs prove nothing. */
const GITHUB_ACTIONS_APP = "github-actions";

/** GitHub lists at most 100 check runs a page; a commit with more than this many is read no further. */
const MAX_PAGES = 10;

/**
 * The release commit's check runs, read once per job and shared: the organisation defaults the App recorded
 * (on `shipline`) and the clearance (the `dispatched` record on `shipline / <stage>`) are read from one list,
 * not one list per name. `current()` answers the first read again; `fresh()` reads again (the clearance waits
 * for a record the App writes right after GitHub answers the dispatch).
 */
export interface CommitChecks {
  current(): Promise<ShiplineCheckRun[]>;
  fresh(): Promise<ShiplineCheckRun[]>;
}

export function commitChecks(github: ShiplineGitHub, sha: string): CommitChecks {
  let first: Promise<ShiplineCheckRun[]> | undefined;
  const read = async () => {
    const runs: ShiplineCheckRun[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const listed = await github.listCheckRuns(sha, page);
      runs.push(...listed.runs);
      if (!listed.runs.length || runs.length >= listed.total) break;
    }
    return runs;
  };
  return {
    current: () => {
      first ??= read();
      return first;
    },
    fresh: () => {
      first = read();
      return first;
    },
  };
}

/** Shipline's check runs of that name: written by a GitHub App, never by a workflow's GITHUB_TOKEN. */
export function shiplineChecks(runs: readonly ShiplineCheckRun[], name: string): ShiplineCheckRun[] {
  return runs.filter((c) => c.name === name && c.app?.slug && c.app.slug !== GITHUB_ACTIONS_APP);
}
