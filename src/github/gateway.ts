import { previousGoodRelease } from "../pipeline/previous-release.js";
import type {
  CheckConclusion,
  CheckRunState,
  CheckStatus,
  DispatchInputs,
  Effect,
  Release,
  ReleaseAsset,
} from "../pipeline/types.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";
import { cached, MISSING_TTL_MS, remember } from "./file-cache.js";

const MAX_FILE_BYTES = 512 * 1024;

/** Every GitHub call the App makes, in one place, each narrowed to the plain data the core takes. */
export class GitHubGateway {
  constructor(
    private readonly gh: GitHubClient,
    readonly repo: RepoRef,
    private readonly appId?: number,
  ) {}

  /**
   * The run of `workflow` on `sha` that carries this run-name and was created at or after `since`: the trace a
   * dispatch leaves (an earlier run with the same name, from before a /retry, does not count).
   */
  async findRun(
    workflow: string,
    sha: string,
    name: string,
    since: Date,
  ): Promise<{ htmlUrl: string; id: number } | undefined> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
      ...this.repo,
      workflow_id: workflow,
      event: "workflow_dispatch",
      head_sha: sha,
      per_page: 30,
    });
    const run = (
      data.workflow_runs as { id: number; display_title?: string; html_url: string; created_at?: string }[]
    ).find(
      (r) =>
        r.display_title === name && (!r.created_at || new Date(r.created_at).getTime() >= since.getTime()),
    );
    return run ? { id: run.id, htmlUrl: run.html_url } : undefined;
  }

  /**
   * A file's text at a ref, or undefined when it does not exist. Repeated reads are conditional (ETag), so
   * an unchanged file costs a 304 that does not count against the rate limit; a missing file is
   * remembered for a minute.
   */
  async readFile(path: string, ref?: string, repo: RepoRef = this.repo): Promise<string | undefined> {
    const key = `${repo.owner}/${repo.repo}@${ref ?? ""}:${path}`;
    const known = cached(key);
    if (known?.missingAt !== undefined && Date.now() - known.missingAt < MISSING_TTL_MS) return undefined;
    try {
      const { data, headers } = await this.gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
        ...repo,
        path,
        ...(ref ? { ref } : {}),
        ...(known?.etag ? { headers: { "if-none-match": known.etag } } : {}),
      });
      if (Array.isArray(data) || data.type !== "file") throw new Error(`${path} is not a file`);
      if (data.size > MAX_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_FILE_BYTES / 1024} KiB`);
      const text = Buffer.from(String(data.content ?? ""), "base64").toString("utf8");
      const etag = typeof headers.etag === "string" ? headers.etag : undefined;
      remember(key, { text, ...(etag ? { etag } : {}) });
      return text;
    } catch (error) {
      if (statusOf(error) === 304 && known?.text !== undefined) return known.text;
      if (statusOf(error) === 404) {
        // Only default-branch reads (organisation defaults) are remembered as missing: they repeat on every event.
        if (!ref) remember(key, { missingAt: Date.now() });
        return undefined;
      }
      throw error;
    }
  }

  /** A small release asset's text (the checksum file), at most 512 KiB; GitHub redirects to its storage. */
  async assetText(assetId: number): Promise<string> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      ...this.repo,
      asset_id: assetId,
      headers: { accept: "application/octet-stream" },
    });
    const bytes =
      data instanceof ArrayBuffer
        ? Buffer.from(data)
        : typeof data === "string"
          ? Buffer.from(data)
          : Buffer.from(data as Uint8Array);
    if (bytes.length > MAX_FILE_BYTES)
      throw new Error(`asset ${assetId} is larger than ${MAX_FILE_BYTES / 1024} KiB`);
    return bytes.toString("utf8");
  }

  /**
   * The Sigstore bundles of the build-provenance attestations GitHub holds for a sha256 (hex); [] when it has
   * none (404). Needs `attestations: read`. Only data: artifacts/provenance.ts verifies every bundle.
   */
  async attestations(sha256: string): Promise<unknown[]> {
    try {
      const { data } = await this.gh.request("GET /repos/{owner}/{repo}/attestations/{subject_digest}", {
        ...this.repo,
        subject_digest: `sha256:${sha256}`,
        predicate_type: "provenance",
        per_page: 100,
      });
      const list = (data.attestations ?? []) as { bundle?: unknown }[];
      return list.map((a) => a.bundle).filter((b) => b !== undefined && b !== null);
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
  }

  /** The commit a tag points at, following an annotated tag object. */
  async tagCommit(tag: string): Promise<string> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      ...this.repo,
      ref: `tags/${tag}`,
    });
    if (data.object.type === "commit") return String(data.object.sha);
    const { data: tagObject } = await this.gh.request("GET /repos/{owner}/{repo}/git/tags/{tag_sha}", {
      ...this.repo,
      tag_sha: data.object.sha,
    });
    return String(tagObject.object.sha);
  }

  async releaseByTag(tag: string): Promise<Release | undefined> {
    try {
      const { data } = await this.gh.request("GET /repos/{owner}/{repo}/releases/tags/{tag}", {
        ...this.repo,
        tag,
      });
      return { ...toRelease(data), sha: await this.tagCommit(tag) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Shipline's own check runs on a commit (only this App's: another App cannot forge a stage). A repeated read
   * is conditional (ETag): when nothing changed since this process last read them (the protection review,
   * then the stage's outcome), GitHub answers 304, free against the rate limit.
   */
  async shiplineChecks(sha: string): Promise<CheckRunState[]> {
    const key = `check-runs:${this.repo.owner}/${this.repo.repo}@${sha}:${this.appId ?? ""}`;
    const known = cached(key);
    try {
      const { data, headers } = await this.gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
        ...this.repo,
        ref: sha,
        per_page: 100,
        filter: "all",
        ...(this.appId ? { app_id: this.appId } : {}),
        ...(known?.etag ? { headers: { "if-none-match": known.etag } } : {}),
      });
      const checks = (data.check_runs as RawCheck[])
        .filter((c) => c.name === "shipline" || c.name.startsWith("shipline / "))
        .map(toCheck);
      const etag = typeof headers.etag === "string" ? headers.etag : undefined;
      if (etag) remember(key, { etag, text: JSON.stringify(checks) });
      return checks;
    } catch (error) {
      if (statusOf(error) === 304 && known?.text !== undefined)
        return JSON.parse(known.text) as CheckRunState[];
      throw error;
    }
  }

  async createCheck(sha: string, check: CheckWrite): Promise<number> {
    const { data } = await this.gh.request("POST /repos/{owner}/{repo}/check-runs", {
      ...this.repo,
      head_sha: sha,
      ...checkBody(check),
    });
    return Number(data.id);
  }

  async updateCheck(id: number, check: CheckWrite): Promise<void> {
    await this.gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...this.repo,
      check_run_id: id,
      ...checkBody(check),
    });
  }

  /** Creates `ref` at `sha` unless it exists: true for exactly one caller, however many race. */
  async claim(ref: string, sha: string): Promise<boolean> {
    try {
      await this.gh.request("POST /repos/{owner}/{repo}/git/refs", { ...this.repo, ref, sha });
      return true;
    } catch (error) {
      if (statusOf(error) === 422) return false;
      throw error;
    }
  }

  /** Gives a claim back after the transition it guarded failed, so a retry can take it. */
  async release(ref: string): Promise<void> {
    try {
      await this.gh.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
        ...this.repo,
        ref: ref.replace(/^refs\//, ""),
      });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 422) throw error;
    }
  }

  async dispatch(
    workflow: string,
    ref: string,
    inputs: DispatchInputs,
  ): Promise<{ runId?: number; runUrl?: string }> {
    const clean = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
    const { status, data } = await this.gh.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        ...this.repo,
        workflow_id: workflow,
        ref,
        inputs: clean,
        return_run_details: true,
        // Never retried blindly: a 5xx may follow a dispatch GitHub did carry out (apply.ts looks for the run).
        request: { retries: 0 },
      },
    );
    if (status === 200 && data && typeof data === "object") {
      return {
        ...(typeof data.workflow_run_id === "number" ? { runId: data.workflow_run_id } : {}),
        ...(typeof data.html_url === "string" ? { runUrl: data.html_url } : {}),
      };
    }
    return {};
  }

  /** The environment's previous good release other than `exclude` (the shared rule: pipeline/previous-release.ts). */
  async previousSuccessfulRelease(environment: string, exclude: string): Promise<string | undefined> {
    const found = await previousGoodRelease(
      {
        deployments: async (env, page) => {
          const { data } = await this.gh.request("GET /repos/{owner}/{repo}/deployments", {
            ...this.repo,
            environment: env,
            per_page: 100,
            page,
          });
          return (data as { id: number; ref: string; created_at: string }[]).map((d) => ({
            id: d.id,
            ref: d.ref,
            createdAt: d.created_at ?? "",
          }));
        },
        statuses: async (id) => {
          const { data } = await this.gh.request(
            "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
            { ...this.repo, deployment_id: id, per_page: 100 },
          );
          return data as { state: string }[];
        },
      },
      environment,
      [exclude],
    );
    return found ?? undefined;
  }
}

/** A check run as the core writes it. */
export type CheckWrite = Omit<Extract<Effect, { kind: "create-check" }>, "kind">;

const MAX_SUMMARY = 65_535;

function checkBody(check: CheckWrite): Record<string, unknown> {
  const summary =
    check.summary.length > MAX_SUMMARY
      ? `${check.summary.slice(0, MAX_SUMMARY - 40)}\n\n…(truncated)`
      : check.summary;
  return {
    name: check.name,
    status: check.status,
    ...(check.conclusion ? { conclusion: check.conclusion } : {}),
    ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
    ...(check.actions ? { actions: check.actions } : {}),
    output: { title: check.title.slice(0, 255), summary },
  };
}

interface RawCheck {
  id: number;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  started_at?: string | null;
  completed_at?: string | null;
  details_url?: string | null;
  output?: { title?: string | null; summary?: string | null };
}

function toCheck(c: RawCheck): CheckRunState {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    conclusion: c.conclusion,
    startedAt: c.started_at ?? null,
    completedAt: c.completed_at ?? null,
    detailsUrl: c.details_url ?? null,
    summary: c.output?.summary ?? null,
    ...(typeof c.output?.title === "string" ? { title: c.output.title } : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: narrowing the REST/webhook release shape happens here.
export function toRelease(data: any, sha = ""): Release {
  return {
    id: Number(data.id),
    tag: String(data.tag_name),
    sha,
    author: String(data.author?.login ?? ""),
    ...(data.author?.type ? { authorType: String(data.author.type) } : {}),
    draft: Boolean(data.draft),
    prerelease: Boolean(data.prerelease),
    htmlUrl: String(data.html_url ?? ""),
    // biome-ignore lint/suspicious/noExplicitAny: as above
    assets: ((data.assets ?? []) as any[]).map(
      (a): ReleaseAsset => ({
        id: Number(a.id),
        name: String(a.name),
        size: Number(a.size ?? 0),
        state: String(a.state ?? "uploaded"),
        digest: typeof a.digest === "string" ? a.digest : null,
        uploader: a.uploader
          ? { login: String(a.uploader.login), type: String(a.uploader.type ?? "User") }
          : null,
      }),
    ),
  };
}
