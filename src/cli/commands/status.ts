// `shipline status [tag]` and `shipline watch <tag>`: where a release is, read from the same GitHub records the
// App derives its state from (the `shipline` and `shipline / <stage>` check runs, the config at the tag).
import { CONFIG_PATH, parseConfig, pipelineForTag } from "../../config/index.js";
import type { GitHubClient } from "../../github/client.js";
import { GitHubGateway } from "../../github/gateway.js";
import { pausedBy, releaseCheck, stageViews } from "../../pipeline/index.js";
import type { StagePhase } from "../../pipeline/state.js";
import type { CheckRunState, Release } from "../../pipeline/types.js";
import { parseArgs } from "../args.js";
import { EXIT } from "../exit.js";
import { type CliEnv, CliError, type GitHubContext, githubContext, statusOf } from "../github.js";
import { type Colour, paint } from "../style.js";
import type { Command } from "./types.js";

export interface StageStatus {
  name: string;
  environment: string;
  phase: StagePhase;
  /** What the stage's check run says: what it did, or what it waits for. */
  detail: string;
  url?: string;
}

export interface ReleaseStatus {
  repository: string;
  release: string;
  sha: string;
  url: string;
  /** The `shipline` check run: queued / in_progress / completed, and how it ended. */
  state: "not started" | "in progress" | "succeeded" | "failed" | "cancelled";
  title: string;
  pausedBy?: string;
  stages: StageStatus[];
  /** Set when the config at the tag could not be read: stages are then the check runs found. */
  configProblem?: string;
}

const SHIPLINE_CHECK = /^shipline( \/ .+)?$/;

async function checkRuns(gh: GitHubClient, ctx: GitHubContext, sha: string): Promise<CheckRunState[]> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...ctx.repo,
    ref: sha,
    filter: "all",
    per_page: 100,
  });
  // biome-ignore lint/suspicious/noExplicitAny: GitHub's JSON, narrowed here.
  return (data.check_runs as any[])
    .filter((c) => SHIPLINE_CHECK.test(String(c.name)) && !c.app?.slug?.startsWith("github-actions"))
    .map((c) => ({
      id: Number(c.id),
      name: String(c.name),
      status: c.status,
      conclusion: c.conclusion ?? null,
      detailsUrl: c.html_url ?? c.details_url ?? null,
      title: typeof c.output?.title === "string" ? c.output.title : "",
      summary: typeof c.output?.summary === "string" ? c.output.summary : null,
    }));
}

async function latestTags(ctx: GitHubContext): Promise<string[]> {
  try {
    const { data } = await ctx.client.request("GET /repos/{owner}/{repo}/releases", {
      ...ctx.repo,
      per_page: 5,
    });
    return (data as { tag_name: string }[]).map((r) => r.tag_name);
  } catch {
    return [];
  }
}

async function releaseByTag(ctx: GitHubContext, tag: string): Promise<{ htmlUrl: string }> {
  try {
    const { data } = await ctx.client.request("GET /repos/{owner}/{repo}/releases/tags/{tag}", {
      ...ctx.repo,
      tag,
    });
    return { htmlUrl: String(data.html_url ?? "") };
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    const tags = await latestTags(ctx);
    throw new CliError(
      `there is no release ${tag} in ${ctx.slug}${tags.length ? ` (latest: ${tags.join(", ")})` : " (it has no releases yet)"}`,
      EXIT.notFound,
    );
  }
}

function overall(check: CheckRunState | undefined): ReleaseStatus["state"] {
  if (!check) return "not started";
  if (check.status !== "completed") return "in progress";
  if (check.conclusion === "success") return "succeeded";
  if (check.conclusion === "cancelled" || check.conclusion === "skipped") return "cancelled";
  return "failed";
}

/** Reads one release's status: the release, its commit, Shipline's check runs on it, the config at the tag. */
export async function readStatus(ctx: GitHubContext, tag: string): Promise<ReleaseStatus> {
  const gh = ctx.client;
  const release = await releaseByTag(ctx, tag);
  const gateway = new GitHubGateway(gh, ctx.repo);
  const sha = await gateway.tagCommit(tag);
  const runs = await checkRuns(gh, ctx, sha);
  let configProblem: string | undefined;
  const text = await gateway.readFile(CONFIG_PATH, tag);
  if (text === undefined) configProblem = `${CONFIG_PATH} does not exist at ${tag}`;
  const snapshot = {
    release: {
      id: 0,
      tag,
      sha,
      author: "",
      draft: false,
      prerelease: false,
      htmlUrl: release.htmlUrl,
      assets: [],
    } as Release,
    checkRuns: runs,
  };
  let stages: StageStatus[] = [];
  if (text !== undefined) {
    const parsed = parseConfig(text);
    const pipeline = parsed.ok ? pipelineForTag(parsed.config, tag) : undefined;
    if (!parsed.ok)
      configProblem = `${CONFIG_PATH} at ${tag} is invalid (${parsed.problems.length} problem(s)): run \`shipline validate\``;
    else if (!pipeline) configProblem = `${tag} matches no pipeline's \`tags\` in ${CONFIG_PATH}`;
    if (pipeline)
      stages = stageViews(pipeline, snapshot).map((v) => ({
        name: v.stage.name,
        environment: v.stage.environment,
        phase: v.phase,
        detail: v.check?.title || (v.phase === "pending" ? "not started" : ""),
        ...(v.check?.detailsUrl ? { url: v.check.detailsUrl } : {}),
      }));
  }
  if (!stages.length)
    stages = runs
      .filter((c) => c.name.startsWith("shipline / "))
      .map((c) => ({
        name: c.name.slice("shipline / ".length),
        environment: "?",
        phase: c.status === "completed" ? (c.conclusion === "success" ? "succeeded" : "failed") : "running",
        detail: c.title ?? "",
      }));
  const check = releaseCheck(snapshot);
  const paused = pausedBy(snapshot);
  return {
    repository: ctx.slug,
    release: tag,
    sha,
    url: release.htmlUrl,
    state: overall(check),
    title: check?.title || (check ? "" : "Shipline has not started this release (is the App installed?)"),
    ...(paused ? { pausedBy: paused } : {}),
    stages,
    ...(configProblem ? { configProblem } : {}),
  };
}

const PHASE_COLOUR: Partial<Record<StagePhase | ReleaseStatus["state"], Colour>> = {
  succeeded: "green",
  failed: "red",
  "rolled-back": "yellow",
  running: "blue",
  dispatched: "blue",
  "in progress": "blue",
  skipped: "dim",
  pending: "dim",
  "not started": "dim",
};

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - s.length));

export function statusText(s: ReleaseStatus, color?: boolean): string {
  const head = `${paint(color, "bold", s.release)} (${s.repository}, ${s.sha.slice(0, 7)}): ${paint(color, PHASE_COLOUR[s.state] ?? "bold", s.state)}${s.title ? ` — ${s.title}` : ""}`;
  const rows = s.stages.map((st) => [st.name, st.environment, st.phase, st.detail] as const);
  const w = [0, 1, 2].map((i) =>
    Math.max(["STAGE", "ENVIRONMENT", "STATE"][i]!.length, ...rows.map((r) => r[i]!.length)),
  );
  return [
    head,
    ...(s.pausedBy ? [`paused by @${s.pausedBy}: \`/resume\` (or \`shipline resume\`) goes on`] : []),
    ...(s.configProblem ? [`note: ${s.configProblem}`] : []),
    "",
    `  ${pad("STAGE", w[0]!)}  ${pad("ENVIRONMENT", w[1]!)}  ${pad("STATE", w[2]!)}  WAITING FOR / DONE`,
    ...rows.map(
      ([name, env, phase, detail]) =>
        `  ${pad(name, w[0]!)}  ${pad(env, w[1]!)}  ${paint(color, PHASE_COLOUR[phase] ?? "bold", pad(phase, w[2]!))}  ${detail}`,
    ),
  ].join("\n");
}

const COMMON = ["repo", "api-url", "dir"] as const;

async function latestReleases(ctx: GitHubContext, limit: number) {
  const { data } = await ctx.client.request("GET /repos/{owner}/{repo}/releases", {
    ...ctx.repo,
    per_page: limit,
  });
  // biome-ignore lint/suspicious/noExplicitAny: GitHub's JSON, narrowed here.
  const releases = (data as any[]).filter((r) => !r.draft);
  const out: { release: string; state: ReleaseStatus["state"]; title: string; publishedAt: string }[] = [];
  for (const r of releases) {
    const sha = await new GitHubGateway(ctx.client, ctx.repo).tagCommit(String(r.tag_name));
    const runs = await checkRuns(ctx.client, ctx, sha);
    const check = runs.filter((c) => c.name === "shipline").sort((a, b) => b.id - a.id)[0];
    out.push({
      release: String(r.tag_name),
      state: overall(check),
      title: check?.title ?? "",
      publishedAt: String(r.published_at ?? ""),
    });
  }
  return out;
}

export function makeStatusCommand(deps: CliEnv = { env: process.env }): Command {
  return {
    name: "status",
    summary: "Show every stage of a release (or the latest releases) and what each waits for",
    usage: "shipline status [<tag>] [--json] [--repo owner/name] [--limit N]",
    help: [
      "With a tag: one row per stage (environment, state, what its check run says it waits for or did).",
      "Without: the latest releases (default 5) and their state.",
      "The repository comes from --repo, GITHUB_REPOSITORY or the `origin` remote; the token from",
      "GITHUB_TOKEN, GH_TOKEN or `gh auth token`; GitHub Enterprise Server from GH_HOST.",
    ].join("\n"),
    async run(args, io) {
      const parsed = parseArgs(args, { values: [...COMMON, "limit"], switches: ["json"], positionals: 1 });
      if (!parsed.ok) {
        io.err(`${parsed.error}\nusage: ${this.usage}`);
        return EXIT.usage;
      }
      const { positionals, flags, switches } = parsed.args;
      const ctx = githubContext(flags, deps);
      const [tag] = positionals;
      if (tag) {
        const status = await readStatus(ctx, tag);
        io.out(switches.has("json") ? JSON.stringify(status, null, 2) : statusText(status, io.color));
        return EXIT.ok;
      }
      const limit = Number(flags.limit ?? 5);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        io.err("--limit takes a whole number from 1 to 100");
        return EXIT.usage;
      }
      const list = await latestReleases(ctx, limit);
      if (switches.has("json")) io.out(JSON.stringify(list, null, 2));
      else if (!list.length)
        io.out(`${ctx.slug} has no releases yet: publish one from CI with its assets attached`);
      else {
        const w = Math.max(...list.map((r) => r.release.length));
        for (const r of list)
          io.out(
            `${pad(r.release, w)}  ${paint(io.color, PHASE_COLOUR[r.state] ?? "bold", pad(r.state, 11))}  ${r.title}`,
          );
      }
      return EXIT.ok;
    },
  };
}

export function makeWatchCommand(deps: CliEnv = { env: process.env }): Command {
  return {
    name: "watch",
    summary: "Follow a release live: redraws its stages as they move, exits when it is done",
    usage: "shipline watch <tag> [--interval 5s] [--repo owner/name]",
    help: [
      "Redraws in place on a terminal; elsewhere (CI logs, pipes) prints a new view only when something changed.",
      "Exit code 0 when the release is fully deployed, 1 when it failed or was cancelled.",
    ].join("\n"),
    async run(args, io) {
      const parsed = parseArgs(args, { values: [...COMMON, "interval"], positionals: 1 });
      if (!parsed.ok || !parsed.args.positionals[0]) {
        io.err(`${parsed.ok ? "name the release to watch" : parsed.error}\nusage: ${this.usage}`);
        return EXIT.usage;
      }
      const intervalText = parsed.args.flags.interval ?? "5s";
      const m = /^(\d+)(ms|s|m)?$/.exec(intervalText);
      if (!m) {
        io.err(`--interval ${intervalText}: give a duration such as 5s or 1m`);
        return EXIT.usage;
      }
      const intervalMs = Number(m[1]) * (m[2] === "m" ? 60_000 : m[2] === "ms" ? 1 : 1000);
      const ctx = githubContext(parsed.args.flags, deps);
      const tag = parsed.args.positionals[0];
      const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
      let last = "";
      for (;;) {
        const status = await readStatus(ctx, tag);
        const frame = statusText(status, io.color);
        if (frame !== last) {
          if (io.tty) io.out(`\x1b[H\x1b[2J${frame}`);
          else io.out(last ? `\n${frame}` : frame);
          last = frame;
        }
        if (status.state === "succeeded") return EXIT.ok;
        if (status.state === "failed" || status.state === "cancelled") return EXIT.failed;
        await sleep(intervalMs);
      }
    },
  };
}
