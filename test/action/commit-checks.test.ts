// The commit's check runs, read once and shared by the org-defaults reader and the clearance: every page of a
// commit with more than 100 check runs, a GitHub Actions check run of Shipline's name never counting, and a
// clearance that waits reading again.
import { describe, expect, it } from "vitest";
import { checkClearance } from "../../action/src/clearance.js";
import { commitChecks } from "../../action/src/commit-checks.js";
import type { ShiplineCheckRun, ShiplineGitHub } from "../../action/src/github.js";
import { resolveJobConfig } from "../../action/src/job-config.js";
import { encodeRecord } from "../../src/records/codec.js";

const SHA = "e".repeat(40);
const RUN = 77;

/** A GitHub that lists `runs` 100 a page and counts the list requests. */
function listing(runs: () => ShiplineCheckRun[]) {
  const pages: number[] = [];
  const github = {
    listCheckRuns: async (sha: string, page = 1) => {
      expect(sha).toBe(SHA);
      pages.push(page);
      const all = runs();
      return { total: all.length, runs: all.slice((page - 1) * 100, page * 100) };
    },
  } as unknown as ShiplineGitHub;
  return { github, pages };
}

const ci = (n: number): ShiplineCheckRun[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `test ${i}`, app: { slug: "github-actions" } }));
const stageCheck = (run: number, slug = "shipline"): ShiplineCheckRun => ({
  id: 9001,
  name: "shipline / production",
  app: { slug },
  output: { summary: `deploying\n\n${encodeRecord("dispatched", { run, at: "2026-12-01T10:00:00Z" })}` },
});
const defaults = 'targets: { eu-west: [web-1] }\ndriver: { type: directory, path: "/srv/{target}" }\n';
const releaseCheck: ShiplineCheckRun = {
  id: 9000,
  name: "shipline",
  app: { slug: "shipline" },
  output: {
    summary: `release\n${encodeRecord("org-defaults", { repo: "acme/.github", text: Buffer.from(defaults).toString("base64") })}`,
  },
};
const config = {
  text: 'artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }\nstages:\n  - { name: production, environment: production }\n',
  file: ".github/shipline.yml",
  sha: SHA,
  tag: "v1.0.0",
  stage: "production",
};
const noWait = { stage: "production", runId: RUN, waitMs: 0, sleep: async () => {} };

describe("the commit's check runs, read once", () => {
  it("reads every page of a commit with 250 check runs once for both the org defaults and the clearance", async () => {
    const { github, pages } = listing(() => [...ci(120), releaseCheck, ...ci(100), stageCheck(RUN)]);
    const checks = commitChecks(github, SHA);
    const { pipeline } = await resolveJobConfig(github, config, checks);
    expect(pipeline.targets).toEqual({ "eu-west": ["web-1"] });
    expect(await checkClearance(checks, SHA, noWait)).toEqual({ ok: true });
    expect(pages).toEqual([1, 2, 3]);
  });

  it("still refuses a dispatched record that GitHub Actions wrote, with the same message", async () => {
    const { github } = listing(() => [releaseCheck, stageCheck(RUN, "github-actions")]);
    const verdict = await checkClearance(commitChecks(github, SHA), SHA, noWait);
    expect(verdict).toEqual({
      ok: false,
      why: `there is no "shipline / production" check run by the Shipline App on eeeeeee (a check run of that name by GitHub Actions does not count).`,
    });
  });

  it("a clearance that waits for the App's record reads the list again until it appears", async () => {
    let written = false;
    const { github, pages } = listing(() => (written ? [releaseCheck, stageCheck(RUN)] : [releaseCheck]));
    const checks = commitChecks(github, SHA);
    await resolveJobConfig(github, config, checks);
    let sleeps = 0;
    const verdict = await checkClearance(checks, SHA, {
      ...noWait,
      waitMs: 60_000,
      sleep: async () => {
        sleeps++;
        written = true;
      },
    });
    expect(verdict).toEqual({ ok: true });
    expect(sleeps).toBe(1);
    expect(pages).toEqual([1, 1]);
  });
});
