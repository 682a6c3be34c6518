import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checksumFile, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

// The job summary's headline is the job's outcome: a rollout whose verification failed is not "succeeded",
// though every wave deployed. Run through the built bundle, as a runner runs it.
let root: string;
let github: FakeGitHub;
let metrics: Server;
let body: unknown = { errorRate: 0.01 };

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-headline-"));
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
stages: [{ name: canary, verify: [errors] }]
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

const deploy = () =>
  runBundle(
    root,
    { release: "v2", stage: "canary", token: "ghs_tok", "work-dir": join(root, "work") },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: join(root, "ws") },
  );

const headlines = (summary: string) => summary.split("\n").filter((l) => l.startsWith("## "));

it("says the rollout failed verification when it did, and succeeded only when it passed", async () => {
  body = { errorRate: 0.5 };
  const failed = await deploy();
  expect(failed.code).toBe(1);
  expect(headlines(failed.summary)).toEqual([
    "## Shipline rollout of v2 to canary: rolled out, but verification failed",
  ]);
  expect(failed.summary).not.toMatch(/: succeeded/);

  body = { somethingElse: 1 };
  const unsure = await deploy();
  expect(headlines(unsure.summary)).toEqual([
    "## Shipline rollout of v2 to canary: rolled out, verification inconclusive",
  ]);

  body = { errorRate: 0.01 };
  const passed = await deploy();
  expect(passed.code, passed.stdout).toBe(0);
  expect(headlines(passed.summary)).toEqual([
    "## Shipline rollout of v2 to canary: succeeded and passed verification",
  ]);
});
