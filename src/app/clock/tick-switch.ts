import type { Log } from "../../github/apply.js";
import { type GitHubClient, type RepoRef, statusOf } from "../../github/client.js";
import { failureText } from "./failure-text.js";
import { clockInterval } from "./timer-state.js";

/** The tick workflow's file name (examples/workflows/shipline-tick.yml): its completed runs wake the App. */
export const TICK_WORKFLOW = "shipline-tick.yml";

/** GitHub's states of a workflow; `missing` when the repository has no tick workflow (404). */
export type TickState = "active" | "disabled" | "missing" | "unknown";

/** Repositories whose missing tick workflow was logged already (once per process is enough). */
const loggedMissing = new Set<string>();

/** The tick workflow's state (one read). A failure other than 404 is logged and read as `unknown`. */
export async function tickState(client: GitHubClient, repo: RepoRef, log: Log): Promise<TickState> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}", {
      ...repo,
      workflow_id: TICK_WORKFLOW,
    });
    return (data as { state?: string }).state === "active" ? "active" : "disabled";
  } catch (error) {
    if (statusOf(error) === 404) {
      const key = `${repo.owner}/${repo.repo}`.toLowerCase();
      if (!loggedMissing.has(key)) {
        loggedMissing.add(key);
        log.warn(
          `${key} has no .github/workflows/${TICK_WORKFLOW}: its waiting stages are woken only by an App running its in-process timer (SHIPLINE_CLOCK_INTERVAL)${clockInterval() ? "" : ", and this App runs none"}`,
        );
      }
      return "missing";
    }
    log.warn(`could not read the state of ${TICK_WORKFLOW}: ${failureText(error)}`);
    return "unknown";
  }
}

async function setTick(client: GitHubClient, repo: RepoRef, log: Log, on: boolean): Promise<void> {
  const verb = on ? "enable" : "disable";
  try {
    await client.request(`PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/${verb}`, {
      ...repo,
      workflow_id: TICK_WORKFLOW,
    });
    log.info(`${verb}d ${TICK_WORKFLOW}: ${on ? "a stage waits" : "nothing waits any more"}`);
  } catch (error) {
    if (statusOf(error) !== 404) log.warn(`could not ${verb} ${TICK_WORKFLOW}: ${failureText(error)}`);
  }
}

/**
 * After a stage started waiting (its `refs/shipline-wait/` ref exists now): the tick workflow runs. `before` is
 * the state read before the ref was created. When it was active, it is read again: a wake that found nothing
 * waiting may have disabled it in between (that wake lists the waiting refs again after disabling, so whichever
 * comes second sees the other: the workflow never ends disabled while a ref exists).
 */
export async function tickOn(
  client: GitHubClient,
  repo: RepoRef,
  log: Log,
  before: TickState,
): Promise<void> {
  if (before === "missing") return;
  const now = before === "active" ? await tickState(client, repo, log) : before;
  if (now !== "active" && now !== "missing") await setTick(client, repo, log, true);
}

/** How many stages wait (one request). */
async function waitingCount(client: GitHubClient, repo: RepoRef): Promise<number> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
    ...repo,
    ref: "shipline-wait/",
  });
  return (data as unknown[]).length;
}

/**
 * After a wake: when nothing waits any more, the tick workflow is disabled (it costs a runner minute per run).
 * `listed` is how many stages the wake found waiting; `fromTick` whether a tick run woke it (the workflow is
 * active then). A timer's wake of a repository where nothing waited writes nothing. After disabling, the
 * waiting refs are listed again, and a stage that started waiting meanwhile turns the workflow back on.
 */
export async function tickOffWhenIdle(
  client: GitHubClient,
  repo: RepoRef,
  log: Log,
  wake: { listed: number; fromTick: boolean },
): Promise<void> {
  if (wake.listed === 0 && !wake.fromTick) return;
  try {
    if (wake.listed > 0 && (await waitingCount(client, repo)) > 0) return;
    if (!wake.fromTick && (await tickState(client, repo, log)) !== "active") return;
    await setTick(client, repo, log, false);
    if ((await waitingCount(client, repo)) > 0) await setTick(client, repo, log, true);
  } catch (error) {
    log.warn(`could not tell whether anything still waits: ${failureText(error)}`);
  }
}

/** What a held stage's check run says when the repository has no tick workflow. */
export function noTickNote(): string {
  const interval = clockInterval();
  return interval
    ? `This repository has no \`.github/workflows/${TICK_WORKFLOW}\`: the App's in-process timer looks at waiting stages every ${interval / 1000} s.`
    : `**This repository has no \`.github/workflows/${TICK_WORKFLOW}\`**, and this App runs no in-process timer: nothing wakes a waiting stage by itself. Copy \`examples/workflows/${TICK_WORKFLOW}\` to \`.github/workflows/\` (README, "The tick workflow"), or run the App with \`npm start\` and its timer (\`SHIPLINE_CLOCK_INTERVAL\`).`;
}
