// The stand-in's state and behaviour (no HTTP serving here): repositories, tokens, webhook deliveries, and the
// workflow "runner" that turns a dispatch into a run, a deployment and its statuses, as GitHub Actions does.

import { createHash, createHmac, randomUUID } from "node:crypto";
import { runName } from "../../src/pipeline/identity.js";
import type { Mode } from "../../src/pipeline/types.js";
import { GITHUB_ACTIONS } from "./core.js";
import { httpFetch } from "./http-fetch.js";
import type { JsonObject } from "./openapi/spec.js";
import { validateWebhookPayload, validateWebhookPayloadOpenApi } from "./openapi/webhooks.js";
import type { PayloadContext } from "./payloads.js";
import {
  deploymentPayload,
  deploymentProtectionRulePayload,
  deploymentStatusPayload,
  releasePayload,
} from "./payloads.js";
import { type SecondaryLimitOptions, SecondaryLimits } from "./secondary-limits.js";
import type { Urls } from "./shapes.js";
import type {
  Account,
  CheckRun,
  Deployment,
  DeploymentStatus,
  Environment,
  Permission,
  Release,
  RepoState,
  WorkflowRun,
} from "./state.js";
import { newId, newRepo, now } from "./state.js";
import { annotationsFromOutput } from "./workflow-commands.js";

export interface Delivery {
  id: string;
  event: string;
  action: string | undefined;
  payload: JsonObject;
  /** HTTP status the App answered with (0: no webhook URL configured or connection failed). */
  status: number;
  problems: string[];
}

export interface WorkflowJob {
  repo: string;
  runId: number;
  workflow: string;
  displayTitle: string;
  ref: string;
  sha: string;
  inputs: Record<string, string>;
  environment: string;
  deploymentId: number;
  /** REST root the job should use (GITHUB_API_URL). */
  apiUrl: string;
  /** A token the stand-in accepts for this run, acting as github-actions[bot]. */
  token: string;
  /** The GITHUB_* variables a runner sets for this job. */
  env: Record<string, string>;
  /** The workflow_dispatch event (what GITHUB_EVENT_PATH holds). */
  event: JsonObject;
}

/**
 * Runs a job. `output` is what its steps printed: `::error` / `::warning` / `::notice` workflow commands in it
 * become annotations on the job's check run.
 */
export type Runner = (job: WorkflowJob) => Promise<{ conclusion: "success" | "failure"; output?: string }>;

export interface StandinOptions {
  /** Where webhooks go (the App's webhook endpoint); omit to record deliveries without sending. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** "owner/name" of the first repository (more with addRepo). */
  repo: string;
  appId?: number;
  appSlug?: string;
  installationId?: number;
  /** Workflow files that exist (dispatching another answers 404). Default ["shipline.yml"]. */
  workflows?: string[];
  runner?: Runner;
  /**
   * Workflow files whose job declares no `environment:` (a load test dispatched by a workflow check): their runs
   * get no Deployment and no protection rule, as on GitHub; the runner still runs them.
   */
  jobsWithoutEnvironment?: string[];
  /** How long a run waits for a custom protection rule review before failing (default 60 s). */
  protectionTimeoutMs?: number;
  /** Require a token the stand-in issued on every REST call except /app ones (default true). */
  requireAuth?: boolean;
  /** Enforce GitHub's secondary rate limits (403 + retry-after), e.g. small ones for tests. Default: off. */
  secondaryLimits?: SecondaryLimitOptions;
}

export interface ReleaseInput {
  tag: string;
  sha?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  assets?: { name: string; data: Buffer | string; contentType?: string }[];
  author?: Account;
}

export class Standin {
  readonly repos = new Map<string, RepoState>();
  readonly violations: string[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly deliveries: Delivery[] = [];
  readonly tokens = new Map<string, Account>();
  readonly app: { id: number; slug: string; name: string; owner: Account };
  readonly installationId: number;
  readonly workflows: Set<string>;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly reviewWaiters = new Map<number, (state: "approved" | "rejected") => void>();
  private deliveryChain: Promise<unknown> = Promise.resolve();
  urls: Urls = { api: "http://127.0.0.1/api/v3", html: "http://127.0.0.1" };
  /** Set when `options.secondaryLimits` is: its counters and every 403 it answered. */
  readonly limits: SecondaryLimits | undefined;

  /** Answers to replace after a request was carried out (see `failAfterHandling`). */
  private readonly faults: {
    method: string;
    path: RegExp;
    status: number;
    message?: string;
    times: number;
  }[] = [];

  /**
   * The next `times` successful `method` requests whose API path matches `path` are carried out, then answered
   * with `status`: what a user sees when GitHub's front end loses the answer to a request that did happen.
   */
  failAfterHandling(method: string, path: RegExp, status = 502, times = 1, message?: string): void {
    this.faults.push({ method: method.toUpperCase(), path, status, times, ...(message ? { message } : {}) });
  }

  /** The fault for this request, if one is armed (each use counts down). */
  takeFault(method: string, path: string): { status: number; message?: string } | undefined {
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (!fault) return undefined;
    fault.times--;
    return fault;
  }

  constructor(readonly options: StandinOptions) {
    this.limits = options.secondaryLimits ? new SecondaryLimits(options.secondaryLimits) : undefined;
    const first = this.addRepo(options.repo);
    this.app = {
      id: options.appId ?? 1234,
      slug: options.appSlug ?? "shipline",
      name: "Shipline",
      owner: first.owner,
    };
    this.installationId = options.installationId ?? 4242;
    this.workflows = new Set(options.workflows ?? ["shipline.yml"]);
  }

  get appBot(): Account {
    return { login: `${this.app.slug}[bot]`, id: this.app.id + 100000, type: "Bot" };
  }

  addRepo(fullName: string): RepoState {
    const existing = this.repos.get(fullName.toLowerCase());
    if (existing) return existing;
    const repo = newRepo(fullName);
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  repo(fullName = this.options.repo): RepoState {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`stand-in has no repository ${fullName}`);
    return repo;
  }

  payloadContext(repo: RepoState): PayloadContext {
    return { urls: this.urls, repo, installationId: this.installationId };
  }

  issueToken(actor: Account, prefix = "ghs"): string {
    const token = `${prefix}_${randomUUID().replaceAll("-", "")}`;
    this.tokens.set(token, actor);
    return token;
  }

  violation(message: string): void {
    this.violations.push(message);
  }

  /** Creates a published release with real asset bytes; `sha` defaults to a fresh commit, tagged. */
  createRelease(input: ReleaseInput, repo = this.repo()): Release {
    const sha = input.sha ?? createHash("sha1").update(`${input.tag}${newId()}`).digest("hex");
    const author = input.author ?? { login: "octocat", id: 1, type: "User" as const };
    const createdAt = now();
    const release: Release = {
      id: newId(),
      tag: input.tag,
      sha,
      name: input.name ?? input.tag,
      body: input.body ?? null,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      author,
      createdAt,
      publishedAt: input.draft ? null : createdAt,
      assets: (input.assets ?? []).map((a) => {
        const data = typeof a.data === "string" ? Buffer.from(a.data) : a.data;
        return {
          id: newId(),
          name: a.name,
          contentType: a.contentType ?? "application/octet-stream",
          data,
          digest: `sha256:${createHash("sha256").update(data).digest("hex")}`,
          uploader: author,
          createdAt,
        };
      }),
    };
    repo.releases.unshift(release);
    repo.refs.set(`refs/tags/${input.tag}`, sha);
    return release;
  }

  setFile(path: string, text: string, repo = this.repo()): void {
    repo.files.set(path.replace(/^\/+/, ""), text);
  }

  setPermission(login: string, permission: Permission, repo = this.repo()): void {
    repo.permissions.set(login.toLowerCase(), permission);
  }

  setEnvironment(
    name: string,
    settings: Partial<Omit<Environment, "id" | "name" | "createdAt">> = {},
    repo = this.repo(),
  ): Environment {
    const current = repo.environments.get(name);
    const env: Environment = {
      id: current?.id ?? newId(),
      name,
      createdAt: current?.createdAt ?? now(),
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [],
      customRule: false,
      deploymentBranchPolicy: null,
      ...current,
      ...settings,
    };
    repo.environments.set(name, env);
    return env;
  }

  /** Resolves a branch, tag, full ref or sha to a commit sha. */
  resolveRef(repo: RepoState, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    return repo.refs.get(ref) ?? repo.refs.get(`refs/tags/${ref}`) ?? repo.refs.get(`refs/heads/${ref}`);
  }

  /** Delivers `release.<action>` for a release the test created. */
  deliverRelease(release: Release, action = "published", repo = this.repo()): Promise<Delivery> {
    return this.deliver(
      "release",
      releasePayload(this.payloadContext(repo), action, release, release.author),
    );
  }

  /**
   * POSTs a webhook to the App like GitHub does (X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 over the
   * raw body). Deliveries are sequential. A payload neither @octokit/webhooks-schemas nor the `x-webhooks` schema of
   * GitHub's OpenAPI description accepts is recorded as a violation and not sent.
   */
  deliver(event: string, payload: JsonObject): Promise<Delivery> {
    const next = this.deliveryChain.then(() => this.send(event, payload));
    this.deliveryChain = next.catch(() => undefined);
    return next;
  }

  private async send(event: string, payload: JsonObject): Promise<Delivery> {
    const action = typeof payload.action === "string" ? payload.action : undefined;
    const fromPackage = validateWebhookPayload(event, payload);
    const problems =
      fromPackage.length === 0
        ? []
        : validateWebhookPayloadOpenApi(event, payload).length === 0
          ? []
          : fromPackage;
    const delivery: Delivery = { id: randomUUID(), event, action, payload, status: 0, problems };
    this.deliveries.push(delivery);
    if (problems.length > 0) {
      this.violation(
        `webhook ${event}.${action ?? ""} does not match GitHub's webhook schemas:\n  ${problems.join("\n  ")}`,
      );
      return delivery;
    }
    if (!this.options.webhookUrl) return delivery;
    const raw = JSON.stringify(payload);
    const signature = createHmac("sha256", this.options.webhookSecret ?? "")
      .update(raw)
      .digest("hex");
    try {
      const response = await httpFetch(this.options.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/standin",
          "x-github-event": event,
          "x-github-delivery": delivery.id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-id": String(this.app.id),
          "x-github-hook-installation-target-type": "integration",
          "x-hub-signature-256": `sha256=${signature}`,
        },
        body: raw,
      });
      await response.arrayBuffer();
      delivery.status = response.status;
    } catch (err) {
      delivery.problems.push(`delivery failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return delivery;
  }

  /** Resolves once every workflow run started so far (and its webhooks) has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.deliveryChain;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  createRun(
    repo: RepoState,
    workflowFile: string,
    ref: string,
    sha: string,
    inputs: Record<string, string>,
  ): WorkflowRun {
    const createdAt = now();
    const run: WorkflowRun = {
      id: newId(),
      runNumber: repo.runs.length + 1,
      workflowId: 100 + [...this.workflows].indexOf(workflowFile),
      workflowFile,
      workflowName: "shipline",
      // What GitHub renders from the deploy workflow template's run-name.
      displayTitle: inputs.release
        ? runName({
            release: inputs.release,
            stage: inputs.stage ?? "?",
            mode: (inputs.mode ?? "rollout") as Mode,
            ...(inputs.from ? { from: inputs.from } : {}),
          })
        : "shipline",
      ref,
      sha,
      inputs,
      status: "queued",
      conclusion: null,
      createdAt,
      updatedAt: createdAt,
      actor: this.appBot,
      deploymentId: null,
    };
    repo.runs.push(run);
    return run;
  }

  createDeployment(repo: RepoState, fields: Omit<Deployment, "id" | "createdAt" | "statuses">): Deployment {
    const d: Deployment = { ...fields, id: newId(), createdAt: now(), statuses: [] };
    repo.deployments.unshift(d);
    return d;
  }

  addStatus(
    d: Deployment,
    fields: Omit<DeploymentStatus, "id" | "createdAt" | "environment"> & { environment?: string },
  ): DeploymentStatus {
    const s: DeploymentStatus = {
      ...fields,
      environment: fields.environment ?? d.environment,
      id: newId(),
      createdAt: now(),
    };
    d.statuses.unshift(s);
    if (s.state === "success") this.inactivatePrevious(d);
    return s;
  }

  /**
   * What GitHub does when a deployment succeeds: the environment's earlier deployments that were live
   * (newest status `success`) get an `inactive` status.
   */
  private inactivatePrevious(d: Deployment): void {
    for (const repo of this.repos.values()) {
      if (!repo.deployments.includes(d)) continue;
      for (const other of repo.deployments) {
        if (other === d || other.environment !== d.environment || other.transient) continue;
        if (other.statuses[0]?.state !== "success") continue;
        other.statuses.unshift({
          state: "inactive",
          description: `Superseded by deployment ${d.id}`,
          environment: other.environment,
          environmentUrl: "",
          logUrl: "",
          creator: GITHUB_ACTIONS,
          id: newId(),
          createdAt: now(),
        });
      }
    }
  }

  /** Called by the review endpoint. Returns false when no run is waiting for that environment's rule. */
  review(runId: number, state: "approved" | "rejected"): boolean {
    const waiter = this.reviewWaiters.get(runId);
    if (!waiter) return false;
    this.reviewWaiters.delete(runId);
    waiter(state);
    return true;
  }

  isWaitingForReview(runId: number): boolean {
    return this.reviewWaiters.has(runId);
  }

  /** What GitHub Actions does with a dispatched run whose job declares `environment: inputs.environment`. */
  async execute(repo: RepoState, run: WorkflowRun): Promise<void> {
    const runner = this.options.runner;
    if (!runner) return;
    if (this.options.jobsWithoutEnvironment?.includes(run.workflowFile))
      return this.executeWithoutEnvironment(repo, run, runner);
    const ctx = this.payloadContext(repo);
    const environment = run.inputs.environment ?? run.inputs.stage ?? "production";
    const env = repo.environments.get(environment) ?? this.setEnvironment(environment, {}, repo);
    const d = this.createDeployment(repo, {
      sha: run.sha,
      ref: run.ref,
      task: "deploy",
      payload: {},
      environment,
      description: null,
      creator: GITHUB_ACTIONS,
      transient: false,
      production: false,
      runId: run.id,
    });
    run.deploymentId = d.id;
    const jobCheck = this.createJobCheckRun(repo, run);
    const logUrl = `${this.urls.html}/${repo.owner.login}/${repo.name}/actions/runs/${run.id}/job/${jobCheck.id}`;
    jobCheck.detailsUrl = logUrl;
    const status = async (state: string): Promise<void> => {
      run.updatedAt = now();
      const s = this.addStatus(d, {
        state,
        description: "",
        environmentUrl: "",
        logUrl,
        creator: GITHUB_ACTIONS,
      });
      await this.deliver("deployment_status", deploymentStatusPayload(ctx, d, s, run, jobCheck));
    };
    await this.deliver("deployment", deploymentPayload(ctx, d, run));

    if (env.customRule) {
      run.status = "waiting";
      await status("waiting");
      const decision = new Promise<"approved" | "rejected" | "timeout">((resolve) => {
        const timer = setTimeout(() => {
          this.reviewWaiters.delete(run.id);
          resolve("timeout");
        }, this.options.protectionTimeoutMs ?? 60_000);
        this.reviewWaiters.set(run.id, (state) => {
          clearTimeout(timer);
          resolve(state);
        });
      });
      await this.deliver(
        "deployment_protection_rule",
        deploymentProtectionRulePayload(ctx, d, run, environment),
      );
      if ((await decision) !== "approved") {
        run.status = "completed";
        run.conclusion = "failure";
        this.completeJobCheckRun(jobCheck, "failure");
        await status("failure");
        return;
      }
    }

    run.status = "in_progress";
    jobCheck.status = "in_progress";
    jobCheck.startedAt = now();
    await status("in_progress");
    const token = this.issueToken(GITHUB_ACTIONS, "ghs");
    const job: WorkflowJob = {
      repo: `${repo.owner.login}/${repo.name}`,
      runId: run.id,
      workflow: run.workflowFile,
      displayTitle: run.displayTitle,
      ref: run.ref,
      sha: run.sha,
      inputs: run.inputs,
      environment,
      deploymentId: d.id,
      apiUrl: this.urls.api,
      token,
      env: {
        GITHUB_ACTIONS: "true",
        CI: "true",
        GITHUB_REPOSITORY: `${repo.owner.login}/${repo.name}`,
        GITHUB_REPOSITORY_OWNER: repo.owner.login,
        GITHUB_SHA: run.sha,
        GITHUB_REF: this.fullRef(repo, run.ref),
        GITHUB_REF_NAME: run.ref,
        GITHUB_EVENT_NAME: "workflow_dispatch",
        GITHUB_RUN_ID: String(run.id),
        GITHUB_RUN_NUMBER: String(run.runNumber),
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_WORKFLOW: run.workflowName,
        GITHUB_JOB: "deploy",
        GITHUB_ACTOR: run.actor.login,
        GITHUB_API_URL: this.urls.api,
        GITHUB_SERVER_URL: this.urls.html,
        GITHUB_GRAPHQL_URL: `${this.urls.api}/graphql`,
        GITHUB_TOKEN: token,
      },
      event: {
        inputs: run.inputs,
        ref: this.fullRef(repo, run.ref),
        repository: {
          full_name: `${repo.owner.login}/${repo.name}`,
          name: repo.name,
          owner: { login: repo.owner.login },
        },
        sender: { login: run.actor.login, type: run.actor.type },
        workflow: `.github/workflows/${run.workflowFile}`,
      },
    };
    let conclusion: "success" | "failure";
    try {
      const result = await runner(job);
      conclusion = result.conclusion;
      jobCheck.annotations = annotationsFromOutput(result.output ?? "");
    } catch (err) {
      this.violation(`runner callback threw: ${err instanceof Error ? err.message : String(err)}`);
      conclusion = "failure";
    }
    run.status = "completed";
    run.conclusion = conclusion;
    this.completeJobCheckRun(jobCheck, conclusion);
    await status(conclusion);
  }

  /** A run whose job declares no environment: no Deployment, no review; queued, in progress, completed. */
  private async executeWithoutEnvironment(repo: RepoState, run: WorkflowRun, runner: Runner): Promise<void> {
    run.status = "in_progress";
    run.updatedAt = now();
    const token = this.issueToken(GITHUB_ACTIONS, "ghs");
    const fullName = `${repo.owner.login}/${repo.name}`;
    let conclusion: "success" | "failure";
    try {
      const result = await runner({
        repo: fullName,
        runId: run.id,
        workflow: run.workflowFile,
        displayTitle: run.displayTitle,
        ref: run.ref,
        sha: run.sha,
        inputs: run.inputs,
        environment: "",
        deploymentId: 0,
        apiUrl: this.urls.api,
        token,
        env: {
          GITHUB_ACTIONS: "true",
          GITHUB_REPOSITORY: fullName,
          GITHUB_SHA: run.sha,
          GITHUB_REF_NAME: run.ref,
          GITHUB_EVENT_NAME: "workflow_dispatch",
          GITHUB_RUN_ID: String(run.id),
          GITHUB_API_URL: this.urls.api,
          GITHUB_SERVER_URL: this.urls.html,
        },
        event: {
          inputs: run.inputs,
          ref: this.fullRef(repo, run.ref),
          workflow: `.github/workflows/${run.workflowFile}`,
        },
      });
      conclusion = result.conclusion;
    } catch (err) {
      this.violation(`runner callback threw: ${err instanceof Error ? err.message : String(err)}`);
      conclusion = "failure";
    }
    run.status = "completed";
    run.conclusion = conclusion;
    run.updatedAt = now();
  }

  /** The deploy job's own check run (owned by GitHub Actions, named after the job), as GitHub creates it. */
  private createJobCheckRun(repo: RepoState, run: WorkflowRun): CheckRun {
    const check: CheckRun = {
      id: newId(),
      headSha: run.sha,
      name: "deploy",
      status: "queued",
      conclusion: null,
      startedAt: now(),
      completedAt: null,
      detailsUrl: null,
      externalId: "",
      output: { title: null, summary: null, text: null },
      actions: [],
      owner: "github-actions",
      annotations: [],
    };
    repo.checkRuns.push(check);
    run.jobCheckRunId = check.id;
    return check;
  }

  private completeJobCheckRun(check: CheckRun, conclusion: "success" | "failure"): void {
    check.status = "completed";
    check.conclusion = conclusion;
    check.completedAt = now();
  }

  private fullRef(repo: RepoState, ref: string): string {
    if (ref.startsWith("refs/")) return ref;
    return repo.refs.has(`refs/tags/${ref}`) ? `refs/tags/${ref}` : `refs/heads/${ref}`;
  }
}
