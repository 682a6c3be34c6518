import type { DispatchInputs, Mode } from "./types.js";

/**
 * How a deploy job is tied back to its release, stage and mode (docs/exactly-once.md explains the choice):
 * the App dispatches the workflow on the release tag, so the Deployment GitHub creates has ref = tag and
 * sha = release commit; the workflow's `run-name` carries stage and mode, and GitHub puts it in every
 * deployment_status event as `workflow_run.display_title`.
 */
export const RUN_NAME_TEMPLATE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
  "shipline: ${{ inputs.release }} to ${{ inputs.stage }} [${{ inputs.mode }}${{ inputs.from && format(' from {0}', inputs.from) || '' }}]";

const RUN_NAME =
  /^shipline: (\S+) to ([A-Za-z0-9][A-Za-z0-9._-]{0,62}) \[(rollout|rollback|verify)(?: from (\S+))?\]$/;

export function runName(inputs: Pick<DispatchInputs, "release" | "stage" | "mode" | "from">): string {
  return `shipline: ${inputs.release} to ${inputs.stage} [${inputs.mode}${inputs.from ? ` from ${inputs.from}` : ""}]`;
}

export function parseRunName(
  title: string | null | undefined,
): { release: string; stage: string; mode: Mode; from?: string } | undefined {
  const m = title ? RUN_NAME.exec(title) : null;
  if (!m) return undefined;
  return { release: m[1]!, stage: m[2]!, mode: m[3] as Mode, ...(m[4] ? { from: m[4] } : {}) };
}

/** The commands that ask for a rollout of a stage: their author is its requester, who may not approve it. */
export const DEPLOY_COMMANDS = ["deploy", "promote", "retry", "hotfix", "resume"] as const;

/** Whether a recorded command (`/deploy v1.2.0 to production`) asks for a rollout. */
export function startsDeploy(command: string): boolean {
  const name = /^\/([a-z]+)\b/.exec(command)?.[1] ?? "";
  return (DEPLOY_COMMANDS as readonly string[]).includes(name);
}

export const CHECK_PREFIX = "shipline / ";
export const RELEASE_CHECK = "shipline";
export const CONFIG_CHECK = "shipline / config";

export function stageCheckName(stage: string): string {
  return `${CHECK_PREFIX}${stage}`;
}

/**
 * The claim ref that makes a transition happen once: GitHub refuses to create a ref that exists (422),
 * so of all replicas and redeliveries exactly one wins. Tags may contain "/", which would nest refs and
 * collide (a ref cannot be both a file and a folder), so they are percent-encoded into one path segment.
 */
export function claimRef(tag: string, stage: string, mode: Mode, key = "1"): string {
  const safe = (s: string) =>
    s.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `refs/shipline/${safe(tag)}/${safe(stage)}-${mode}-${safe(key)}`;
}

/** The claim of a release.published decision that dispatches nothing (a refusal, or a first stage that waits). */
export function publishedClaim(tag: string): string {
  return claimRef(tag, "_published", "rollout");
}
