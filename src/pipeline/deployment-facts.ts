import type { parseRunName } from "./identity.js";
import type { Release } from "./types.js";

/**
 * What a deployment_status event is about, decided here: which statuses change anything Shipline shows, which
 * release's check runs the event moves (a rollback's are those of the release rolled back, `from`), and the
 * release as the event tells it. The shell (app/handlers/deployment-status.ts) reads what this asks and calls
 * `onDeploymentStatus`.
 */

/**
 * `waiting` (a protection rule holds the job), `queued`, `pending`, `inactive` and `in_progress` change nothing
 * Shipline shows (the dispatch already wrote the stage's check run in progress with its run, and an approving
 * protection review writes it back from "Waiting for approval"): they are answered without a single request.
 */
const ACTIONABLE: ReadonlySet<string> = new Set(["success", "failure", "error"]);

export function statusMatters(state: string): boolean {
  return ACTIONABLE.has(state);
}

type RunIdentity = NonNullable<ReturnType<typeof parseRunName>>;

/**
 * The release whose check runs a status moves, and where its commit comes from: the deployment's own commit,
 * or for a rollback the commit of the release rolled back (the shell resolves that tag).
 */
export function statusRelease(
  id: RunIdentity,
  deploymentSha: string,
): { tag: string; sha: string } | { tag: string; commitOf: string } {
  if (id.mode === "rollback" && id.from) return { tag: id.from, commitOf: id.from };
  return { tag: id.release, sha: deploymentSha };
}

/**
 * The release as a deployment_status tells it: its tag, commit and page. The stage decisions read only these;
 * the author and assets (which a deployment does not carry) were recorded on the release's check run at publish.
 */
export function releaseOfDeployment(repoUrl: string, tag: string, sha: string): Release {
  return {
    id: 0,
    tag,
    sha,
    author: "",
    draft: false,
    prerelease: false,
    htmlUrl: `${repoUrl}/releases/tag/${encodeURIComponent(tag)}`,
    assets: [],
  };
}
