// One end-to-end world: the GitHub stand-in, the real App under `probot run` (one or more processes), and a
// workflow "runner" that runs the real built Action in a workspace holding the repository's .github/shipline.yml,
// installing on directory targets under a temporary folder.
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpFetch } from "../standin/http-fetch.js";
import type { RepoState, RunningStandin, StandinOptions, WorkflowJob } from "../standin/index.js";
import { startStandin } from "../standin/index.js";
import type { JsonObject } from "../standin/openapi/spec.js";
import { issueCommentPayload } from "../standin/payloads.js";
import { type ActionRun, runDeployJob } from "../standin/runner.js";
import type { Account, Comment, Environment, Release } from "../standin/state.js";
import { newId } from "../standin/state.js";
import { ROOT, type RunningApp, startApp } from "./app.js";
import { type Asset, releaseAssets } from "./assets.js";
import { startInProcessApp } from "./in-process-app.js";
import { stampTimes, type Timestamps } from "./timeline.js";

export const CONFIG_PATH = ".github/shipline.yml";
const APP_ID = 1234;
const SECRET = "e2e-webhook-secret";

const KNOWN_GAPS: RegExp[] = [];
const CI_BOT: Account = { login: "github-actions[bot]", id: 41898282, type: "Bot" };

export interface ActionRecord {
  job: WorkflowJob;
  result: ActionRun;
}

export interface WorldOptions {
  /** The config text; `root` is the folder under which directory targets live. */
  config: (root: string) => string;
  /** Environments to create (e.g. `{ production: { customRule: true } }`). */
  environments?: Record<string, Partial<Omit<Environment, "id" | "name" | "createdAt">>>;
  /** How many App processes (the stand-in delivers to the first). Default 1. */
  apps?: number;
  /** Without a runner, dispatches are recorded but nothing runs. Default true. */
  runWorkflows?: boolean;
  protectionTimeoutMs?: number;
  repo?: string;
  /** GitHub's secondary limits as the stand-in should enforce them (default: none). */
  secondaryLimits?: StandinOptions["secondaryLimits"];
  /** Extra environment for every App process (e.g. SHIPLINE_WRITE_BUDGET, REDIS_URL). */
  appEnv?: Record<string, string>;
  /**
   * The App's clock: with it, one App runs in this process (tools/e2e/in-process-app.ts: the production wiring with
   * `deps.now` injected) instead of as `npm start` processes, so a test can move time (a 48h bake in seconds).
   */
  clock?: () => Date;
}

export interface World {
  root: string;
  gh: RunningStandin;
  apps: RunningApp[];
  repo: RepoState;
  actions: ActionRecord[];
  times: Timestamps;
  /**
   * Creates a release with real assets (built by `tar`) uploaded by github-actions[bot], and publishes it.
   * `author` is who published it (default github-actions[bot]); CI still uploaded the assets.
   */
  publish(tag: string, assets?: Asset[], author?: Account): Promise<Release>;
  /** Posts a comment as `login` on issue/PR `issue` (stored in the stand-in) and delivers issue_comment.created. */
  comment(login: string, body: string, issue?: number): Promise<Comment>;
  /** Polls until `predicate` holds (for runs that wait, where `settle` would wait too); throws after `timeoutMs`. */
  waitFor(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Waits until no workflow run, webhook delivery or App request is left. */
  settle(): Promise<void>;
  /** The newest check run with that name on a commit. */
  check(name: string, sha: string): RepoState["checkRuns"][number] | undefined;
  /** The release a directory target's `current` points at (null: none). */
  current(target: string): string | null;
  /** Signs and POSTs a webhook to one App process (as GitHub would, bypassing the stand-in's queue). */
  deliverTo(app: RunningApp, event: string, payload: JsonObject, deliveryId?: string): Promise<number>;
  /** Stops the first App and starts a fresh one of the same kind (nothing carries over but GitHub's records). */
  restartApp(): Promise<void>;
  /** Stand-in violations other than its known gaps. */
  violations(): string[];
  log(): string;
  stop(): Promise<void>;
}

/** Node 24 as GitHub's runners use (`scripts/ensure-node24.mjs`), else this Node. */
export function runnerNode(): string {
  const node24 = join(ROOT, ".tools/node24/bin/node");
  return process.env.SHIPLINE_ACTION_NODE ?? (existsSync(node24) ? node24 : process.execPath);
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), "shipline-e2e-"));
  const targets = join(root, "targets");
  mkdirSync(targets);
  const actions: ActionRecord[] = [];
  const repoName = options.repo ?? "acme/web";
  let repo: RepoState | undefined;

  const runner = async (job: WorkflowJob) => {
    const result = await runDeployJob(job, {
      root,
      config: repo?.files.get(CONFIG_PATH) ?? "",
      bundle: join(ROOT, "action/dist/index.js"),
      node: runnerNode(),
    });
    actions.push({ job, result });
    return {
      conclusion: result.exitCode === 0 ? ("success" as const) : ("failure" as const),
      // The runner turns the step's `::error title=...::` lines into annotations on the job's check run.
      output: result.stdout,
    };
  };

  const gh = await startStandin({
    repo: repoName,
    webhookSecret: SECRET,
    appId: APP_ID,
    ...(options.runWorkflows === false ? {} : { runner }),
    protectionTimeoutMs: options.protectionTimeoutMs ?? 60_000,
    ...(options.secondaryLimits ? { secondaryLimits: options.secondaryLimits } : {}),
  });
  const times = stampTimes(gh.standin);
  repo = gh.standin.repo();
  gh.standin.setFile(CONFIG_PATH, options.config(targets));
  for (const [name, settings] of Object.entries(options.environments ?? {}))
    gh.standin.setEnvironment(name, settings);

  const apps: RunningApp[] = [];
  const clock = options.clock;
  const launch = () =>
    clock
      ? startInProcessApp({
          githubUrl: gh.url,
          appId: APP_ID,
          webhookSecret: SECRET,
          now: clock,
          // The same pacing code, tighter than production's 1 s, so 19 rounds of a bake take a minute or two.
          writeSpacingMs: 100,
        })
      : startApp({
          githubUrl: gh.url,
          appId: APP_ID,
          webhookSecret: SECRET,
          ...(options.appEnv ? { env: options.appEnv } : {}),
        });
  try {
    const count = clock ? 1 : (options.apps ?? 1);
    for (let i = 0; i < count; i++) apps.push(await launch());
  } catch (err) {
    await Promise.all(apps.map((a) => a.stop()));
    await gh.stop();
    throw err;
  }
  const [first] = apps;
  if (first) gh.standin.options.webhookUrl = first.webhookUrl;
  const theRepo = repo;

  const world: World = {
    root,
    gh,
    apps,
    repo: theRepo,
    actions,
    times,
    async publish(tag, assets, author = CI_BOT) {
      const release = gh.standin.createRelease({ tag, assets: assets ?? releaseAssets(root, tag), author });
      for (const asset of release.assets) asset.uploader = CI_BOT;
      await gh.standin.deliverRelease(release, "published");
      return release;
    },
    async comment(login, body, issue = 12) {
      const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const comment: Comment = {
        id: newId(),
        issueNumber: issue,
        body,
        user: { login, id: 70000 + login.length, type: "User" },
        createdAt: at,
        updatedAt: at,
        reactions: [],
      };
      theRepo.comments.push(comment);
      await gh.deliver(
        "issue_comment",
        issueCommentPayload(gh.standin.payloadContext(theRepo), comment, {
          number: issue,
          title: "Release train",
        }),
      );
      return comment;
    },
    async waitFor(what, predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${world.log()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async settle() {
      for (;;) {
        const before = gh.standin.requests.length + gh.standin.deliveries.length;
        await gh.standin.settled();
        await new Promise((r) => setTimeout(r, 250));
        await gh.standin.settled();
        if (gh.standin.requests.length + gh.standin.deliveries.length === before) return;
      }
    },
    check(name, sha) {
      return theRepo.checkRuns.filter((c) => c.name === name && c.headSha === sha).at(-1);
    },
    current(target) {
      try {
        return readlinkSync(join(targets, target, "current")).replace(/^releases\//, "");
      } catch {
        return null;
      }
    },
    async deliverTo(app, event, payload, deliveryId = randomUUID()) {
      const raw = JSON.stringify(payload);
      const signature = createHmac("sha256", SECRET).update(raw).digest("hex");
      const response = await httpFetch(app.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/e2e",
          "x-github-event": event,
          "x-github-delivery": deliveryId,
          "x-hub-signature-256": `sha256=${signature}`,
        },
        body: raw,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async restartApp() {
      await apps[0]?.stop();
      const fresh = await launch();
      apps[0] = fresh;
      gh.standin.options.webhookUrl = fresh.webhookUrl;
    },
    violations() {
      return gh.violations.filter((v) => !KNOWN_GAPS.some((gap) => gap.test(v)));
    },
    log() {
      return apps.map((a, i) => `--- App process ${i + 1} ---\n${a.log()}`).join("\n");
    },
    async stop() {
      await Promise.all(apps.map((a) => a.stop()));
      await gh.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return world;
}
