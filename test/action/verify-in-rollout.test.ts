import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumFile, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

// A rollout verifies the stage in the same job: the job succeeds only once its checks pass for the bake time,
// and a failure says (in an annotation the App reads) whether verification failed or could not decide.
let root: string;
let github: FakeGitHub;
let metrics: Server;
let body: unknown = { errorRate: 0.01 };

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-verify-"));
  metrics = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
  );
  await new Promise<void>((resolve) => metrics.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/stats`;
  mkdirSync(join(root, "ws/.github"), { recursive: true });
  writeFileSync(
    join(root, "ws/.github/shipline.yml"),
    `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1, web-2] }
driver: { type: command, run: "true" }
stages: [{ name: canary, verify: [errors], bake: 2s, interval: 1s }]
checks:
  errors: { http: { url: "${url}", path: errorRate }, max: 0.05 }
`,
  );
  github = new FakeGitHub();
  const asset = { name: "app-v2.tar.gz", data: tarball(root, { VERSION: "v2" }) };
  github.addRelease("v2", [asset, { name: "SHA256SUMS", data: checksumFile([asset]) }]);
  await github.start();
}, 120_000);

afterAll(async () => {
  await github.stop();
  await new Promise((resolve) => metrics.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const deploy = (extra: Record<string, string> = {}) =>
  runBundle(
    root,
    { release: "v2", stage: "canary", token: "ghs_tok", "work-dir": join(root, "work"), ...extra },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: join(root, "ws") },
  );

describe("a rollout with verification", () => {
  it("succeeds once the checks pass for the bake time, with each round in the job summary", async () => {
    body = { errorRate: 0.01 };
    const run = await deploy();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("verification of v2 in canary: passed");
    // The report reaches the App as a notice on the job (it copies it into the stage's check run).
    expect(run.stdout).toMatch(/^::notice title=shipline%3A verification report::.*errors/m);
    expect(run.summary).toContain("errors");
  });

  it("a hotfix skips the bake time but still runs the checks once", async () => {
    body = { errorRate: 0.01 };
    const normal = await deploy();
    expect(normal.stdout).toMatch(/verification round 2/);
    const hotfix = await deploy({ reason: "hotfix: checkout is down" });
    expect(hotfix.code, hotfix.stdout).toBe(0);
    expect(hotfix.stdout).toContain("Verify canary (hotfix: no bake)");
    expect(hotfix.stdout).toMatch(/verification round 1/);
    expect(hotfix.stdout).not.toMatch(/verification round 2/);
    body = { errorRate: 0.5 };
    expect((await deploy({ reason: "hotfix: checkout is down" })).code).toBe(1);
  });

  it("fails with a 'verification failed' annotation when a check breaches its limit", async () => {
    body = { errorRate: 0.5 };
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=shipline%3A verification failed::.*verification of v2 in canary: failed/,
    );
    expect(run.stdout.match(/^::error/gm)).toHaveLength(1);
  });

  it("fails with a 'verification inconclusive' annotation when the metric has no data", async () => {
    body = { somethingElse: 1 };
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error title=shipline%3A verification inconclusive::/);
  });
});
