import { choosePipeline } from "../../src/config/match.js";
import { formatProblems, parseConfig } from "../../src/config/parse.js";
import type { Pipeline, ResolvedStage } from "../../src/config/types.js";
import { decodeRecords } from "../../src/records/codec.js";
import { type CommitChecks, commitChecks, shiplineChecks } from "./commit-checks.js";
import type { ShiplineGitHub } from "./github.js";

/** What the job knows when it resolves its config: the checked-out file, its run, and its inputs. */
export interface JobConfigRequest {
  /** The checked-out `.github/shipline.yml` text, and its path for messages. */
  text: string;
  file: string;
  /** GITHUB_SHA: the release commit, whose `shipline` check run holds the `org-defaults` record. */
  sha: string | undefined;
  /** The release tag (or, for a rollback naming none, the `from` release). */
  tag: string;
  pipeline?: string;
  stage: string;
}

/**
 * The config the App resolved, by the same rules: the checked-out file over the organisation defaults the App
 * recorded on the release's `shipline` check run, then the pipeline for the tag (config/match.ts) and the stage.
 * Throws an Error the job shows as its failure. `checks`: the commit's check runs as the runner reads them once
 * for this and the clearance (read here when not given).
 */
export async function resolveJobConfig(
  github: ShiplineGitHub,
  request: JobConfigRequest,
  checks?: CommitChecks,
): Promise<{ pipeline: Pipeline; stage: ResolvedStage }> {
  const { sha } = request;
  const valid = sha !== undefined && /^[0-9a-f]{40}$/.test(sha);
  const orgDefaults = valid ? await resolvedOrgDefaults(checks ?? commitChecks(github, sha)) : undefined;
  const parsed = parseConfig(request.text, { file: request.file, ...(orgDefaults ? { orgDefaults } : {}) });
  if (!parsed.ok) throw new Error(`${request.file} is not valid:\n${formatProblems(parsed.problems)}`);
  const chosen = choosePipeline(parsed.config, {
    tag: request.tag,
    ...(request.pipeline ? { name: request.pipeline } : {}),
  });
  if (!chosen.ok) throw new Error(`${chosen.error} (${request.file})`);
  const { pipeline } = chosen;
  const stage = pipeline.stages.find((s) => s.name === request.stage);
  if (!stage)
    throw new Error(
      `pipeline "${pipeline.name}" has no stage "${request.stage}" (stages: ${pipeline.stages.map((s) => s.name).join(", ")})`,
    );
  return { pipeline, stage };
}

/**
 * The organisation defaults the App merged into this release's config, from the release's `shipline` check run
 * (the job's token cannot read the org's `.github` repository): the Action then resolves the same config as
 * the App. None when there is no such record, no App, or no `checks: read`.
 */
async function resolvedOrgDefaults(checks: CommitChecks): Promise<string | undefined> {
  try {
    const runs = shiplineChecks(await checks.current(), "shipline");
    const record = runs.flatMap((c) => decodeRecords("org-defaults", c.output?.summary ?? "")).at(-1);
    return record ? Buffer.from(record.text, "base64").toString("utf8") : undefined;
  } catch {
    return undefined;
  }
}
