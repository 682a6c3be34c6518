// The App's path and the Action's path over the same GitHub records, each reduced to its answer. Every
// function here calls the code the shells call: the App's gateway, config loading and publish decision; the
// Action's REST client, config resolution, asset download and previous-release rule.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restClient } from "../../action/src/github.js";
import { resolveJobConfig } from "../../action/src/job-config.js";
import { previousRelease } from "../../action/src/previous.js";
import { readConfig } from "../../src/app/load-config.js";
import { fetchVerifiedRelease } from "../../src/artifacts/fetch-release.js";
import { CONFIG_PATH, pipelineForTag } from "../../src/config/index.js";
import { GitHubGateway } from "../../src/github/gateway.js";
import { checkDeployable } from "../../src/pipeline/deployable.js";
import { checksumAsset, onReleasePublished } from "../../src/pipeline/published.js";
import type { Decision, Effect } from "../../src/pipeline/types.js";
import { API, actionFetch, appClient, type GitHubRecords } from "./github-records.js";

/** What a rule answered: the value, or the refusal a user reads. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

const gateway = (records: GitHubRecords) =>
  new GitHubGateway(appClient(records), { owner: records.owner, repo: records.repo });
const jobClient = (records: GitHubRecords) =>
  restClient(API, `${records.owner}/${records.repo}`, "", actionFetch(records));

/** The App at `release.published`: the config (org defaults merged), the checksum file, the decision. */
export async function appPublish(records: GitHubRecords): Promise<{ decision: Decision; assets: string[] }> {
  const gw = gateway(records);
  const tag = records.release!.tag;
  const read = await readConfig(gw, tag);
  if (!read) throw new Error("contract row without a config");
  const release = (await gw.releaseByTag(tag))!;
  const sumsId = checksumAsset(read.result, release);
  const checksums = sumsId === undefined ? undefined : await gw.assetText(sumsId);
  const orgDefaults =
    read.orgDefaults === undefined
      ? undefined
      : { repo: `${records.owner}/.github`, base64: Buffer.from(read.orgDefaults).toString("base64") };
  const decision = onReleasePublished(read.result, { release, checkRuns: [] }, orgDefaults, checksums);
  const pipeline = read.result.ok ? pipelineForTag(read.result.config, tag) : undefined;
  const assets = pipeline ? checkDeployable(pipeline, release, checksums).assets.map((a) => a.name) : [];
  return { decision, assets };
}

const dispatchOf = (d: Decision) =>
  d.effects.find((e): e is Extract<Effect, { kind: "dispatch" }> => e.kind === "dispatch");
const releaseCheckOf = (d: Decision) =>
  d.effects.find(
    (e): e is Extract<Effect, { kind: "create-check" | "update-check" }> =>
      (e.kind === "create-check" || e.kind === "update-check") && e.name === "shipline",
  );

/** The records GitHub holds after the App acted: its `shipline` check run (with the org-defaults record). */
export function afterApp(records: GitHubRecords, decision: Decision): GitHubRecords {
  const check = releaseCheckOf(decision);
  if (!check) return records;
  return {
    ...records,
    checkRuns: [
      ...records.checkRuns,
      {
        id: 9001,
        name: "shipline",
        head_sha: records.release!.sha,
        app: { slug: "shipline" },
        output: { title: check.title, summary: check.summary },
      },
    ],
  };
}

/** Which pipeline, and which targets for `stage`, the App resolves for the release (its dispatch says). */
export async function appConfig(
  records: GitHubRecords,
  stage: string,
): Promise<Answer<{ pipeline: string; targets: Record<string, string[]> }>> {
  const gw = gateway(records);
  const read = await readConfig(gw, records.release!.tag);
  if (!read) return { ok: false, error: "no config" };
  if (!read.result.ok) return { ok: false, error: read.result.problems.map((p) => p.message).join("\n") };
  const { decision } = await appPublish(records);
  const dispatch = dispatchOf(decision);
  if (!dispatch) return { ok: false, error: decision.reason };
  const pipeline = read.result.config.pipelines.find((p) => p.name === dispatch.inputs.pipeline)!;
  if (!pipeline.stages.some((s) => s.name === stage)) return { ok: false, error: `no stage ${stage}` };
  return { ok: true, value: { pipeline: pipeline.name, targets: pipeline.targets } };
}

/** The same question for the deploy job: the checked-out file, the App's record, the release tag. */
export async function actionConfig(
  records: GitHubRecords,
  stage: string,
): Promise<Answer<{ pipeline: string; targets: Record<string, string[]> }>> {
  const { tag, sha } = records.release!;
  const text =
    records.files[`${records.repo}@${tag}:${CONFIG_PATH}`] ??
    records.files[`${records.repo}:${CONFIG_PATH}`]!;
  try {
    const { pipeline } = await resolveJobConfig(jobClient(records), {
      text,
      file: CONFIG_PATH,
      sha,
      tag,
      stage,
    });
    return { ok: true, value: { pipeline: pipeline.name, targets: pipeline.targets } };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** The assets the App lets through at publish (a refusal: the failing `shipline` check run's text). */
export async function appAssets(records: GitHubRecords): Promise<Answer<string[]>> {
  const { decision, assets } = await appPublish(records);
  if (dispatchOf(decision)) return { ok: true, value: assets };
  return { ok: false, error: releaseCheckOf(decision)?.summary ?? decision.reason };
}

/** The assets the deploy job downloads and verifies (a refusal: the job's error). */
export async function actionAssets(records: GitHubRecords): Promise<Answer<string[]>> {
  const { tag, sha } = records.release!;
  const github = jobClient(records);
  const dir = await mkdtemp(join(tmpdir(), "shipline-contract-"));
  try {
    const text =
      records.files[`${records.repo}@${tag}:${CONFIG_PATH}`] ??
      records.files[`${records.repo}:${CONFIG_PATH}`]!;
    const { pipeline } = await resolveJobConfig(github, {
      text,
      file: CONFIG_PATH,
      sha,
      tag,
      stage: "staging",
    });
    const release = await github.getReleaseByTag(tag);
    const verified = await fetchVerifiedRelease(
      { apiUrl: API, repository: `${records.owner}/${records.repo}`, fetch: actionFetch(records) },
      release,
      pipeline.artifacts,
      join(dir, "assets"),
    );
    return { ok: true, value: verified.files.map((f) => f.name) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The environment's previous good release other than `current`, as `/rollback` (App) and the job see it. */
export async function appPrevious(records: GitHubRecords, environment: string, current: string) {
  return (await gateway(records).previousSuccessfulRelease(environment, current)) ?? null;
}

export async function actionPrevious(records: GitHubRecords, environment: string, current: string) {
  return previousRelease(jobClient(records), environment, [current]);
}
