import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { runbookFor } from "../../src/runbook/current.js";
import { type FakeGitHub, fakeGitHub } from "../support/fake-github.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { testProbot } from "../support/probot.js";
import { pushedRepository, pushPayload } from "../support/push.js";

function runbookText(config: string): string {
  const r = runbookFor(config);
  if (!r.ok) throw new Error(r.problems);
  return r.text;
}

const CONFIG = readFileSync(new URL("../../examples/shipline.yml", import.meta.url), "utf8");

describe("a push that changes .github/shipline.yml", () => {
  expectValidGitHubTraffic();
  let gh: FakeGitHub;
  const sha = "d".repeat(40);
  const push = (files: string[]) => pushPayload(sha, files);
  const { owner, repo } = pushedRepository(push([]));

  beforeEach(() => {
    gh = fakeGitHub(owner, repo);
  });

  it("posts a failing `shipline / config` check run listing each problem with its line, and does nothing else", async () => {
    const payload = push([".github/shipline.yml"]);
    gh.files.set(
      `${owner}/${repo}@${sha}:.github/shipline.yml`,
      "stages:\n  - { name: staging, bake: soon }\n",
    );
    await testProbot().receive({ id: "1", name: "push", payload: payload as never });
    expect(gh.checks).toHaveLength(1);
    expect(gh.checks[0]).toMatchObject({ name: "shipline / config", head_sha: sha, conclusion: "failure" });
    expect(gh.checks[0]!.output.summary).toContain("`stages[0].bake` (line 2)");
    expect(gh.dispatches).toEqual([]);
  });

  it("passes a valid config, and flags a committed RUNBOOK.md that no longer matches it", async () => {
    const payload = push([".github/shipline.yml"]);
    gh.files.set(`${owner}/${repo}@${sha}:.github/shipline.yml`, CONFIG);
    await testProbot().receive({ id: "2", name: "push", payload: payload as never });
    expect(gh.checks[0]).toMatchObject({
      conclusion: "success",
      output: { title: "Configuration is valid" },
    });

    gh.checks.length = 0;
    gh.files.set(`${owner}/${repo}@${sha}:RUNBOOK.md`, runbookText(CONFIG.replace("bake: 10m", "bake: 20m")));
    await testProbot().receive({ id: "3", name: "push", payload: payload as never });
    expect(gh.checks[0]).toMatchObject({
      conclusion: "neutral",
      output: { title: "Configuration is valid; RUNBOOK.md is out of date" },
    });

    gh.checks.length = 0;
    gh.files.set(`${owner}/${repo}@${sha}:RUNBOOK.md`, runbookText(CONFIG));
    await testProbot().receive({ id: "4", name: "push", payload: payload as never });
    expect(gh.checks[0]).toMatchObject({ conclusion: "success" });
  });

  it("ignores pushes that do not touch the config", async () => {
    await testProbot().receive({ id: "5", name: "push", payload: push(["README.md"]) as never });
    expect(gh.calls).toEqual([]);
  });
});
