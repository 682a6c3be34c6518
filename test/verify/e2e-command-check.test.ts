// A test suite as the canary's verification, end to end: the GitHub stand-in, the real App, and the built Action
// (Node 24) running a real shell test suite after the rollout. A passing suite promotes; a failing one fails the
// job with "verification failed", the App rolls the canary back to the previous release and locks production.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { buildBundle } from "../action/helpers/bundle.js";

const config = (root: string) => {
  // The suite "tests" each target: a release whose VERSION is listed in broken-versions fails on every target.
  writeFileSync(
    join(root, "suite.sh"),
    `set -u
mkdir -p reports
cases=""; failed=0; n=0
for t in $SHIPLINE_TARGETS; do
  n=$((n+1))
  if grep -qx "$SHIPLINE_VERSION" "${root}/broken-versions" 2>/dev/null; then
    failed=$((failed+1)); cases="$cases<testcase classname=\\"checkout\\" name=\\"pay on $t\\"><failure message=\\"HTTP 500 from $t\\"/></testcase>"
  else cases="$cases<testcase classname=\\"checkout\\" name=\\"pay on $t\\"/>"; fi
done
echo "<testsuite name=checkout tests=\\"$n\\" failures=\\"$failed\\">$cases</testsuite>" > reports/junit.xml
echo "checkout suite against $SHIPLINE_ENVIRONMENT ($SHIPLINE_STAGE, $SHIPLINE_VERSION): $failed of $n failed"
exit $failed
`,
  );
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
  us-east: [web-3, web-4]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages:
  - { name: canary, environment: production, targets: [eu-west, us-east], percent: 25, every-region: true, approvals: 0, verify: [checkout] }
  - { name: production, targets: [eu-west, us-east], waves: [50, 100], approvals: 0 }
checks:
  checkout: { command: { run: "sh ${root}/suite.sh", junit: reports/junit.xml, timeout: 1m } }
rollback: { automatic: true, lock: true }
`;
};

describe("a command check verifying the canary, end to end", () => {
  let world: World;
  const dispatchesOf = (tag: string) =>
    world.repo.dispatches
      .filter((d) => d.inputs.release === tag || d.inputs.from === tag)
      .map((d) => `${d.inputs.release} ${d.inputs.stage} ${d.inputs.mode}`);

  beforeAll(async () => {
    buildBundle();
    buildApp();
    world = await startWorld({ config });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("a passing suite promotes the release; its counts reach the job summary and the stage's check run", {
    timeout: 120_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();
    expect(dispatchesOf("v1.0.0"), world.log()).toEqual([
      "v1.0.0 canary rollout",
      "v1.0.0 production rollout",
    ]);
    const job = world.actions.find((a) => a.job.inputs.stage === "canary");
    expect(job?.result.exitCode, job?.result.stdout).toBe(0);
    // The suite's output is in the job log, prefixed with the check's name.
    expect(job?.result.stdout).toContain(
      "[checkout] checkout suite against production (canary, v1.0.0): 0 of 2 failed",
    );
    expect(job?.result.summary).toMatch(/\| checkout \| 1 \| ✅ Successful \| 2 \| 0 \| 0 \| 0 \|/);
    const canary = world.check("shipline / canary", release.sha);
    expect(canary).toMatchObject({ conclusion: "success" });
    expect(canary?.output.summary).toContain("#### Tests");
  });

  it("a failing suite fails the canary: rolled back to the previous release, production locked and skipped", {
    timeout: 120_000,
  }, async () => {
    writeFileSync(join(world.root, "targets", "broken-versions"), "v1.1.0\n");
    const release = await world.publish("v1.1.0");
    await world.settle();
    const job = world.actions.find(
      (a) => a.job.inputs.release === "v1.1.0" && a.job.inputs.mode === "rollout",
    );
    expect(job?.result.exitCode).not.toBe(0);
    expect(job?.result.stdout).toMatch(
      /::error title=shipline%3A verification failed::.*checkout.*exited with code 2/,
    );
    expect(job?.result.summary).toContain("First failures of checkout (round 1):");
    expect(job?.result.summary).toMatch(/- `checkout › pay on web-\d`: HTTP 500 from web-\d/);
    expect(dispatchesOf("v1.1.0"), world.log()).toEqual(["v1.1.0 canary rollout", "v1.0.0 canary rollback"]);
    const canary = world.check("shipline / canary", release.sha);
    expect(canary).toMatchObject({ conclusion: "failure" });
    expect(canary?.output.summary).toContain("First failures of checkout");
    expect(world.repo.variables.get("production/SHIPLINE_LOCK")?.value).toContain("shipline[bot]");
    const touched = JSON.parse(job?.result.outputs.targets ?? "[]") as string[];
    expect(touched).toHaveLength(2);
    for (const host of touched) expect(world.current(host), host).toBe("v1.0.0");
    expect(world.check("shipline / production", release.sha)?.conclusion).not.toBe("success");
    expect(world.violations()).toEqual([]);
  });
});
