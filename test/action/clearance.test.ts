// On plans without protection rules anyone with write access can run the deploy workflow by hand. The built
// Action, run as a runner runs it, rolls out only a run the Shipline App cleared on the stage's check run.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeRecord } from "../../src/records/codec.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";
import { tarballRelease } from "./helpers/world.js";

const SHA = "c".repeat(40);
const RUN = 4711;
let root: string;
let github: FakeGitHub;

const config = (targets: string) => `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
driver: { type: directory, path: "${targets}/{target}" }
stages:
  - { name: production, environment: production }
`;

const deploy = (env: Record<string, string> = {}, inputs: Record<string, string> = {}) =>
  runBundle(
    root,
    {
      release: "v1.0.0",
      stage: "production",
      "work-dir": join(root, "work"),
      clearance: "required",
      ...inputs,
    },
    {
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: github.url,
      GITHUB_WORKSPACE: join(root, "ws"),
      GITHUB_SHA: SHA,
      GITHUB_RUN_ID: String(RUN),
      SHIPLINE_CLEARANCE_WAIT_MS: "200",
      ...env,
    },
  );

const deployed = () => existsSync(join(root, "targets", "web-1", "current"));
const dispatched = (run: number) =>
  `queued\n\n${encodeRecord("dispatched", { run, at: "2026-12-01T10:00:00Z" })}`;

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-clearance-"));
  github = new FakeGitHub();
  await github.start();
  github.addRelease("v1.0.0", tarballRelease(root, "v1.0.0"));
});
afterAll(async () => {
  await github?.stop();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  github.checkRuns.length = 0;
  rmSync(join(root, "targets"), { recursive: true, force: true });
  rmSync(join(root, "ws"), { recursive: true, force: true });
  const ws = join(root, "ws", ".github");
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, "shipline.yml"), config(join(root, "targets")));
});

describe("the Action's clearance", () => {
  it("refuses a run started by hand, with no check run of Shipline's, and deploys nothing", async () => {
    const run = await deploy();
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("refusing to roll out v1.0.0 to production");
    expect(run.stdout).toContain('there is no "shipline / production" check run by the Shipline App');
    expect(run.stdout).toContain("/deploy v1.0.0 to production");
    expect(deployed()).toBe(false);
    expect(github.downloads()).toEqual([]);
  });

  it("refuses a clearance forged with the job's own token (a check run by GitHub Actions)", async () => {
    github.checkRuns.push({
      sha: SHA,
      name: "shipline / production",
      app: "github-actions",
      summary: dispatched(RUN),
    });
    const run = await deploy();
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("by GitHub Actions does not count");
    expect(deployed()).toBe(false);
  });

  it("refuses when Shipline dispatched another run of that stage", async () => {
    github.checkRuns.push({
      sha: SHA,
      name: "shipline / production",
      app: "shipline",
      summary: dispatched(RUN + 1),
    });
    const run = await deploy();
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain(`Shipline did not dispatch workflow run ${RUN}`);
    expect(deployed()).toBe(false);
  });

  it("rolls out the run Shipline dispatched", async () => {
    github.checkRuns.push({
      sha: SHA,
      name: "shipline / production",
      app: "shipline",
      summary: dispatched(RUN),
    });
    const run = await deploy();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Shipline cleared workflow run ${RUN}`);
    expect(deployed()).toBe(true);
  });

  it("never holds a rollback: rolling back stays possible without Shipline", async () => {
    writeFileSync(join(root, "placeholder"), "");
    const run = await deploy({}, { mode: "rollback", release: "v1.0.0" });
    expect(run.stdout).not.toContain("refusing to roll out");
  });

  it("resolves a config that relies on the organisation's defaults from what the App recorded", async () => {
    // The repository's file names no targets: they come from the org's .github repository, which the job's
    // token cannot read. The App recorded the defaults it merged on the release's check run.
    writeFileSync(
      join(root, "ws", ".github", "shipline.yml"),
      'artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }\nstages:\n  - { name: production, environment: production }\n',
    );
    const defaults = `targets: { eu-west: [web-1, web-2] }\ndriver: { type: directory, path: "${join(root, "targets")}/{target}" }\n`;
    github.checkRuns.push({
      sha: SHA,
      name: "shipline / production",
      app: "shipline",
      summary: dispatched(RUN),
    });
    const before = await deploy();
    expect(before.code).not.toBe(0);
    expect(deployed()).toBe(false);
    github.checkRuns.push({
      sha: SHA,
      name: "shipline",
      app: "shipline",
      summary: `release\n${encodeRecord("org-defaults", { repo: "acme/.github", text: Buffer.from(defaults).toString("base64") })}`,
    });
    const run = await deploy();
    expect(run.code, run.stdout).toBe(0);
    expect(deployed()).toBe(true);
  });
});
