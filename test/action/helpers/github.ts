import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAsset {
  name: string;
  data: Buffer;
  /** GitHub's digest; default the true sha256, null for none. */
  digest?: string | null;
  /** Serve only the first half of the bytes, then drop the connection. */
  truncate?: boolean;
  /** Serve the first half of the bytes, then nothing more, keeping the connection open. */
  stall?: boolean;
  /** Default github-actions[bot]; null: GitHub names no uploader. */
  uploader?: { login: string; type: string } | null;
}

export interface FakeDeployment {
  ref: string;
  environment: string;
  /** Newest first, as GitHub lists them. */
  states: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, "?..." or "". */
  search?: string;
  authorization: string | undefined;
}

export interface FakeCheckRun {
  sha: string;
  name: string;
  /** The App that wrote it: "shipline" (a GitHub App) or "github-actions" (a workflow's GITHUB_TOKEN). */
  app: string;
  summary: string;
}

/** A loopback stand-in for the GitHub REST API: releases with real asset bytes (via a storage redirect) and deployments. */
export class FakeGitHub {
  readonly releases = new Map<string, FakeAsset[]>();
  readonly deployments: FakeDeployment[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  /** Artifact attestations' Sigstore bundles by subject sha256 (hex). */
  readonly attestations = new Map<string, unknown[]>();
  /** tag -> commit sha (GET /git/ref/tags/{tag}). */
  readonly tags = new Map<string, string>();
  private server?: Server;
  private assetIds = new Map<number, FakeAsset>();
  private nextId = 100;
  url = "";

  addRelease(tag: string, assets: FakeAsset[]): void {
    this.releases.set(tag, assets);
    for (const a of assets) this.assetIds.set(this.nextId++, a);
  }

  /** Newest last. */
  addDeployment(deployment: FakeDeployment): void {
    this.deployments.push(deployment);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((done) => this.server!.listen(0, "127.0.0.1", done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }

  downloads(): string[] {
    return this.requests.filter((r) => r.path.startsWith("/storage/")).map((r) => r.path);
  }

  private idOf(asset: FakeAsset): number {
    for (const [id, a] of this.assetIds) if (a === asset) return id;
    throw new Error("unknown asset");
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): unknown {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      authorization: req.headers.authorization,
    });
    let a = /^\/repos\/acme\/shop\/attestations\/sha256:([0-9a-f]{64})$/.exec(url.pathname);
    if (a) {
      const bundles = this.attestations.get(a[1]!) ?? [];
      if (bundles.length === 0) return this.json(res, 404, { message: "Not Found" });
      return this.json(res, 200, { attestations: bundles.map((bundle) => ({ bundle, repository_id: 1 })) });
    }
    a = /^\/repos\/acme\/shop\/git\/ref\/tags\/(.+)$/.exec(url.pathname);
    if (a) {
      const tag = decodeURIComponent(a[1]!);
      const sha = this.tags.get(tag);
      if (!sha) return this.json(res, 404, { message: "Not Found" });
      return this.json(res, 200, { ref: `refs/tags/${tag}`, object: { type: "commit", sha } });
    }
    let m = /^\/repos\/acme\/shop\/releases\/tags\/(.+)$/.exec(url.pathname);
    if (m) {
      const tag = decodeURIComponent(m[1]!);
      const assets = this.releases.get(tag);
      if (!assets) return this.json(res, 404, { message: "Not Found" });
      return this.json(res, 200, {
        id: 1,
        tag_name: tag,
        draft: false,
        assets: assets.map((a) => ({
          id: this.idOf(a),
          name: a.name,
          size: a.data.length,
          state: "uploaded",
          digest:
            a.digest === undefined ? `sha256:${createHash("sha256").update(a.data).digest("hex")}` : a.digest,
          uploader: a.uploader === undefined ? { login: "github-actions[bot]", type: "Bot" } : a.uploader,
        })),
      });
    }
    m = /^\/repos\/acme\/shop\/releases\/assets\/(\d+)$/.exec(url.pathname);
    if (m) {
      if (req.headers.accept !== "application/octet-stream") return this.json(res, 415, {});
      res.writeHead(302, { location: `/storage/${m[1]}?signature=abc` });
      return void res.end();
    }
    m = /^\/storage\/(\d+)$/.exec(url.pathname);
    if (m) {
      const asset = this.assetIds.get(Number(m[1]));
      if (!asset) return this.json(res, 404, {});
      if (req.headers.authorization) return this.json(res, 400, { message: "token sent to storage" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": asset.data.length });
      if (asset.stall) {
        res.write(asset.data.subarray(0, Math.floor(asset.data.length / 2)));
        return;
      }
      if (asset.truncate) {
        res.write(asset.data.subarray(0, Math.floor(asset.data.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      return void res.end(asset.data);
    }
    m = /^\/repos\/acme\/shop\/commits\/([0-9a-f]{40})\/check-runs$/.exec(url.pathname);
    if (m) {
      const name = url.searchParams.get("check_name");
      const runs = this.checkRuns
        .map((c, i) => ({ ...c, id: 7000 + i }))
        .filter((c) => c.sha === m![1] && (!name || c.name === name))
        .map((c) => ({ id: c.id, name: c.name, app: { slug: c.app }, output: { summary: c.summary } }));
      return this.json(res, 200, { total_count: runs.length, check_runs: runs });
    }
    if (url.pathname === "/repos/acme/shop/deployments") {
      const env = url.searchParams.get("environment");
      const list = this.deployments
        .map((d, i) => ({
          id: i + 1,
          ref: d.ref,
          environment: d.environment,
          created_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        }))
        .filter((d) => d.environment === env)
        .reverse();
      return this.json(res, 200, list);
    }
    m = /^\/repos\/acme\/shop\/deployments\/(\d+)\/statuses$/.exec(url.pathname);
    if (m) {
      const d = this.deployments[Number(m[1]) - 1];
      if (!d) return this.json(res, 404, {});
      return this.json(
        res,
        200,
        d.states.map((state) => ({ state })),
      );
    }
    this.json(res, 404, { message: `no stand-in for ${req.method} ${url.pathname}` });
  }
}
