// The deploy job reads the release commit's check runs once per rollout: the organisation defaults the App
// recorded (on `shipline`) and its clearance (the `dispatched` record on `shipline / <stage>`) come from one
// list request, not one per name. Built Action, run as a runner runs it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeRecord } from "../../src/records/codec.js";
import { checksumFile, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

const SHA = "d".repeat(40);
const RUN = 5150;
let root: string;
let github: FakeGitHub;

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-checks-once-"));
  github = new FakeGitHub();
  await github.start();
  const assets = [{ name: "app-v1.0.0.tar.gz", data: tarball(root, { VERSION: "v1.0.0" }) }];
  github.addRelease("v1.0.0", [...assets, { name: "SHA256SUMS", data: checksumFile(assets) }]);
  const ws = join(root, "ws", ".github");
  mkdirSync(ws, { recursive: true });
  // The targets come from the organisation's defaults, which only the App's record carries.
  writeFileSync(
    join(ws, "shipline.yml"),
    'artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }\nstages:\n  - { name: production, environment: production }\n',
  );
  const defaults = `targets: { eu-west: [web-1, web-2] }\ndriver: { type: directory, path: "${join(root, "targets")}/{target}" }\n`;
  github.checkRuns.push(
    { sha: SHA, name: "build", app: "github-actions", summary: "CI" },
    {
      sha: SHA,
      name: "shipline",
      app: "shipline",
      summary: `release\n${encodeRecord("org-defaults", { repo: "acme/.github", text: Buffer.from(defaults).toString("base64") })}`,
    },
    {
      sha: SHA,
      name: "shipline / production",
      app: "shipline",
      summary: `deploying\n\n${encodeRecord("dispatched", { run: RUN, at: "2026-12-01T10:00:00Z" })}`,
    },
  );
});
afterAll(async () => {
  await github?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the deploy job's check-run reads", () => {
  it("resolves the org defaults and its clearance from one list request, then deploys", async () => {
    const run = await runBundle(
      root,
      { release: "v1.0.0", stage: "production", "work-dir": join(root, "work"), clearance: "required" },
      {
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_API_URL: github.url,
        GITHUB_WORKSPACE: join(root, "ws"),
        GITHUB_SHA: SHA,
        GITHUB_RUN_ID: String(RUN),
        SHIPLINE_CLEARANCE_WAIT_MS: "200",
      },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Shipline cleared workflow run ${RUN}`);
    expect(existsSync(join(root, "targets", "web-1", "current"))).toBe(true);
    const lists = github.requests.filter((r) => r.path === `/repos/acme/shop/commits/${SHA}/check-runs`);
    expect(lists.map((r) => r.search)).toEqual(["?filter=all&per_page=100&page=1"]);
  });
});
