// The command check runs a real test suite (sh scripts writing real JUnit XML) through verifyStage, as the deploy
// job does after the rollout: pass by exit code, fail with the report's counts and first failures, and a hanging
// suite stopped with everything it started at its time limit.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Pipeline } from "../../src/config/types.js";
import { renderReport, verifyStage } from "../../src/verify/index.js";
import { runCommandCheck } from "../../src/verify/providers/command.js";

let ws: string;

/** A process that still runs (a zombie waiting for its reaper is dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
const lines: string[] = [];

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), "shipline-command-check-"));
  // A tiny test suite: one "test" per target, a JUnit report, exit code 1 when any test failed.
  writeFileSync(
    join(ws, "suite.sh"),
    `set -u
failed=0
cases=""
for t in $SHIPLINE_TARGETS; do
  if [ -e "$t.down" ]; then
    failed=$((failed+1))
    cases="$cases<testcase classname=\\"smoke\\" name=\\"$t answers\\" time=\\"0.5\\"><failure message=\\"$t: connection refused &amp; no retry\\"/></testcase>"
  else
    cases="$cases<testcase classname=\\"smoke\\" name=\\"$t answers\\" time=\\"0.25\\"/>"
  fi
done
n=$(printf '%s\\n' $SHIPLINE_TARGETS | wc -l)
printf '<?xml version="1.0"?><testsuites><testsuite name="smoke" tests="%s" failures="%s">%s<testcase name="skipped one"><skipped/></testcase></testsuite></testsuites>' "$n" "$failed" "$cases" > reports/junit.xml
echo "suite for $SHIPLINE_VERSION in $SHIPLINE_STAGE/$SHIPLINE_ENVIRONMENT: $failed failed"
[ "$failed" -eq 0 ]
`,
  );
  execFileSync("mkdir", ["-p", join(ws, "reports")]);
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function pipeline(
  checks: string,
  stage = "{ name: canary, environment: production, verify: [suite] }",
): Pipeline {
  const parsed = parseConfig(`
targets: { eu-west: [web-1, web-2], us-east: [web-5] }
stages: [${stage}]
checks:
${checks}
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.pipelines[0]!;
}

async function verify(p: Pipeline, env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "" }) {
  lines.length = 0;
  let t = 1_700_000_000_000;
  const stage = p.stages[0]!;
  return verifyStage({
    pipeline: p,
    stage,
    release: "v2.0.0",
    targets: [
      { name: "web-1", region: "eu-west" },
      { name: "web-5", region: "us-east" },
    ],
    env: {},
    fetch: async () => {
      throw new Error("no network in this test");
    },
    tests: { command: (call) => runCommandCheck({ cwd: ws, env, log: (l) => lines.push(l) }, call) },
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
}

const SUITE = `  suite: { command: { run: "sh suite.sh", junit: reports/junit.xml, timeout: 30s } }`;

describe("command check", () => {
  it("a passing suite passes: its counts reach the report, its output the job log", async () => {
    rmSync(join(ws, "web-5.down"), { force: true });
    const result = await verify(pipeline(SUITE));
    expect(result.outcome, result.reason).toBe("passed");
    expect(lines).toContain("[suite] suite for v2.0.0 in canary/production: 0 failed");
    const m = result.rounds[0]!.results[0]!;
    expect(m.kind).toBe("command");
    expect(m.measurement.tests).toMatchObject({ tests: 3, failures: 0, skipped: 1, time: 0.5 });
    expect(result.summaryMarkdown).toContain("#### Tests");
    expect(result.summaryMarkdown).toMatch(/\| suite \| 1 \| ✅ Successful \| 3 \| 0 \| 0 \| 1 \| 0\.5 s \|/);
  });

  it("a failing suite fails verification, with its first failure in the reason and the report", async () => {
    writeFileSync(join(ws, "web-5.down"), "");
    const result = await verify(pipeline(SUITE));
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("suite: 1 failed measurement");
    expect(result.reason).toContain("exited with code 1");
    expect(result.reason).toContain(
      "first failure: smoke › web-5 answers: web-5: connection refused & no retry",
    );
    expect(result.summaryMarkdown).toContain("First failures of suite (round 1):");
    expect(result.summaryMarkdown).toContain(
      "- `smoke › web-5 answers`: web-5: connection refused & no retry",
    );
    rmSync(join(ws, "web-5.down"));
  });

  it("values reach the command only as environment variables, never through the shell text", async () => {
    const evil = { name: "web-1;touch pwned", region: "eu-west" };
    const log: string[] = [];
    const m = await runCommandCheck(
      { cwd: ws, env: { PATH: process.env.PATH ?? "", INPUT_TOKEN: "ghs_secret" }, log: (l) => log.push(l) },
      {
        check: "env",
        spec: {
          run: 'printf "%s|%s|%s\\n" "$SHIPLINE_TARGETS" "$SHIPLINE_REGIONS" "${INPUT_TOKEN:-none}"',
          timeout: "10s",
          "every-round": false,
        },
        stage: "canary",
        environment: "production",
        version: "v1$(touch pwned)",
        targets: [evil, { name: "web-5", region: "us-east" }],
        round: 1,
      },
    );
    expect(m.phase).toBe("Successful");
    expect(log).toContain("[env] web-1;touch pwned");
    expect(log).toContain("[env] web-5|eu-west");
    expect(log).toContain("[env] us-east|none");
    expect(existsSync(join(ws, "pwned"))).toBe(false);
  });

  it("a hanging suite is stopped at its time limit with every process it started, and fails", async () => {
    const pidFile = join(ws, "hang.pid");
    const p = pipeline(`  suite: { command: { run: "sleep 300 & echo $! > hang.pid; wait", timeout: 2s } }`);
    const result = await verify(p);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("did not finish within 2s and was stopped");
    // The background sleep (same process group) is gone too.
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it("runs once after the rollout by default, in every round with every-round", async () => {
    const once = await verify(
      pipeline(
        `  suite: { command: { run: "echo round $SHIPLINE_ROUND" } }`,
        "{ name: canary, verify: [suite], bake: 3m, interval: 1m }",
      ),
    );
    expect(once.outcome).toBe("passed");
    expect(once.rounds.length).toBeGreaterThan(2);
    expect(lines.filter((l) => l.startsWith("[suite] round"))).toEqual(["[suite] round 1"]);
    const every = await verify(
      pipeline(
        `  suite: { command: { run: "echo round $SHIPLINE_ROUND", every-round: true } }`,
        "{ name: canary, verify: [suite], bake: 2m, interval: 1m }",
      ),
    );
    expect(lines.filter((l) => l.startsWith("[suite] round"))).toEqual([
      "[suite] round 1",
      "[suite] round 2",
      "[suite] round 3",
    ]);
    expect(every.outcome).toBe("passed");
  });

  it("a named JUnit report that was not written is shown; a missing report never turns a failure into a pass", async () => {
    const result = await verify(pipeline(`  suite: { command: { run: "exit 3", junit: reports/none.xml } }`));
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain(
      "exited with code 3; JUnit report reports/none.xml: the command wrote no report there",
    );
    expect(
      renderReport({ stage: "canary", release: "v2", outcome: "failed", reason: "", rounds: result.rounds }),
    ).toContain("suite: JUnit report: the command wrote no report there");
  });

  it("outside the deploy job (no runner) a command check is an error, never a pass", async () => {
    const p = pipeline(SUITE);
    const result = await verifyStage({
      pipeline: p,
      stage: p.stages[0]!,
      release: "v2",
      targets: [],
      env: {},
      fetch: async () => new Response(""),
      now: () => 0,
      sleep: async () => undefined,
    });
    expect(result.outcome).toBe("error");
    expect(result.reason).toContain("command checks run only in the deploy job");
  });
});
