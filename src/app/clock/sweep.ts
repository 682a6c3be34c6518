import type { Probot } from "probot";
import { formatDuration } from "../../config/duration.js";
import type { Log } from "../../github/apply.js";
import type { RepoRef } from "../../github/client.js";
import { GitHubGateway } from "../../github/gateway.js";
import type { AppDeps } from "../deps.js";
import { clientOf, type Shell } from "../shell.js";
import { wakeRepo } from "../wake.js";
import { failureText } from "./failure-text.js";

/** Where the clock finds the repositories to look at: the App's installations, each with its client. */
export interface ClockSource {
  /** The ids of the App's installations that are not suspended. */
  installations(): Promise<number[]>;
  /** One installation's client and its repositories (archived ones left out: nothing deploys there). */
  installation(id: number): Promise<{ octokit: object; repositories: RepoRef[] }>;
}

interface InstallationItem {
  id: number;
  suspended_at?: string | null;
}
interface RepositoryItem {
  name: string;
  archived?: boolean;
  owner: { login: string };
}

/** The App's installations and repositories as GitHub lists them (paginated, 100 a page). */
export function probotSource(probot: Probot): ClockSource {
  return {
    async installations() {
      const app = await probot.auth();
      const items = (await app.paginate("GET /app/installations", { per_page: 100 })) as InstallationItem[];
      return items.filter((i) => !i.suspended_at).map((i) => i.id);
    },
    async installation(id) {
      const octokit = await probot.auth(id);
      const items = (await octokit.paginate("GET /installation/repositories", {
        per_page: 100,
      })) as RepositoryItem[];
      return {
        octokit,
        repositories: items.filter((r) => !r.archived).map((r) => ({ owner: r.owner.login, repo: r.name })),
      };
    },
  };
}

/** What one sweep did, for the log and the tests. */
export interface SweepReport {
  repositories: number;
  outcomes: string[];
  failures: string[];
}

/**
 * The share of an installation's 5,000 requests an hour the timer may spend on looking (one request for the
 * repositories and one per repository each sweep): a tenth, so the deploys themselves never run short.
 */
export const CLOCK_REQUESTS_PER_HOUR = 500;

/** How long an installation with `repositories` repositories waits between two looks, at the least. */
export function installationGapMs(repositories: number): number {
  return Math.ceil(((repositories + 1) * 3_600_000) / CLOCK_REQUESTS_PER_HOUR);
}

/**
 * When each installation was last looked at, and how many repositories it had: only to pace the looks (a
 * restart forgets it and looks once more at once; what waits is always read from GitHub).
 */
export type Pacing = Map<number, { at: number; repositories: number }>;
const PACING: Pacing = new Map();

/** Installations whose slower pace was logged already (once per process). */
const warned = new Set<number>();

/**
 * One look at every waiting stage of every repository the App is installed on: per repository one request for
 * the waiting stages (`GET git/matching-refs/shipline-wait/`), then the same wake-up as a tick workflow's run
 * (`wakeRepo`). A failure in one repository is logged and the others are still looked at.
 */
export async function sweep(
  source: ClockSource,
  deps: AppDeps,
  log: Log,
  intervalMs: number,
  pacing: Pacing = PACING,
): Promise<SweepReport> {
  const report: SweepReport = { repositories: 0, outcomes: [], failures: [] };
  const appId = Number(deps.env.APP_ID) || undefined;
  const now = deps.now().getTime();
  for (const id of await source.installations()) {
    const last = pacing.get(id);
    if (last && now - last.at < installationGapMs(last.repositories)) continue;
    let installation: Awaited<ReturnType<ClockSource["installation"]>>;
    try {
      installation = await source.installation(id);
    } catch (error) {
      report.failures.push(`installation ${id}: ${failureText(error)}`);
      continue;
    }
    const count = installation.repositories.length;
    pacing.set(id, { at: now, repositories: count });
    const gapMs = installationGapMs(count);
    if (gapMs > intervalMs && !warned.has(id)) {
      warned.add(id);
      log.warn(
        `clock: installation ${id} has ${count} repositories: it is looked at every ${formatDuration(gapMs)}, not every ${formatDuration(intervalMs)}, to spend at most ${CLOCK_REQUESTS_PER_HOUR} of its 5,000 requests an hour on looking; the tick workflow in a repository wakes that repository's stages sooner`,
      );
    }
    const shell: Shell = { octokit: installation.octokit, log };
    for (const repo of installation.repositories) {
      report.repositories++;
      try {
        const gw = new GitHubGateway(clientOf(shell), repo, appId);
        for (const o of await wakeRepo(shell, deps, gw))
          report.outcomes.push(`${repo.owner}/${repo.repo} ${o}`);
      } catch (error) {
        report.failures.push(`${repo.owner}/${repo.repo}: ${failureText(error)}`);
      }
    }
  }
  for (const failure of report.failures) log.warn(`clock: ${failure}`);
  if (report.outcomes.length) log.info(`clock: ${report.outcomes.join("; ")}`);
  return report;
}
