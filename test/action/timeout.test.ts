import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUNDLE, buildBundle, runBundle, runnerNode } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";
import { tarballRelease } from "./helpers/world.js";

let root: string;
let github: FakeGitHub;
const started: number[] = [];

/** Running (a zombie nobody reaped yet counts as gone: this container's init may not reap). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

/** A workspace whose config deploys with `run` (per target, time limit `timeout`). */
function workspace(name: string, run: string, timeout: string): string {
  const ws = join(root, name);
  mkdirSync(join(ws, ".github"), { recursive: true });
  writeFileSync(join(root, `${name}.sh`), run);
  writeFileSync(
    join(ws, ".github/shipline.yml"),
    `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1] }
driver: { type: command, run: "sh ${root}/${name}.sh", rollback: "true", timeout: ${timeout} }
stages: [{ name: production }]
`,
  );
  return ws;
}

const deploy = (ws: string) =>
  runBundle(
    root,
    { release: "v1", stage: "production", token: "t", "work-dir": join(ws, "work") },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: ws },
  );

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-timeout-"));
  github = new FakeGitHub();
  github.addRelease("v1", tarballRelease(root, "v1"));
  await github.start();
}, 120_000);

afterAll(async () => {
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

// The vitest time limit (30 s) is the only clock: without the fix these runs hang for ten minutes.
it("stops a deploy command at driver.timeout, with everything it started, and names the target", async () => {
  const ws = workspace(
    "hang",
    `echo $$ > "${root}/shell.pid"; sleep 600 & echo $! > "${root}/child.pid"; sleep 600`,
    "1s",
  );
  const run = await deploy(ws);
  const shell = Number(readFileSync(join(root, "shell.pid"), "utf8"));
  const child = Number(readFileSync(join(root, "child.pid"), "utf8"));
  started.push(shell, child);
  expect(run.code, run.stdout).toBe(1);
  expect(run.stdout).toContain(
    "target web-1: time limit 1s (driver.timeout) reached; stopping the deploy command and everything it started",
  );
  expect(run.stdout).toMatch(
    /::error::rollout of v1 to production failed: target web-1: the deploy command did not finish within 1s \(driver\.timeout\) and was stopped/,
  );
  expect(alive(shell)).toBe(false);
  expect(alive(child)).toBe(false);
}, 30_000);

it("returns when the deploy command's shell exits, though a background child still holds its output", async () => {
  const ws = workspace("background", `nohup sleep 600 & echo $! > "${root}/bg.pid"; echo started`, "10m");
  const run = await deploy(ws);
  const bg = Number(readFileSync(join(root, "bg.pid"), "utf8"));
  started.push(bg);
  expect(run.code, run.stdout).toBe(0);
  expect(run.stdout).toContain("[web-1] started");
  // The background child is the user's (a daemon, say): it is left running, only its pipe is let go.
  expect(alive(bg)).toBe(true);
}, 30_000);

it("refuses a driver.timeout that is not a duration, before deploying anything", async () => {
  const ws = workspace("bad-timeout", `echo "ran" > "${root}/ran"`, "soon");
  const run = await deploy(ws);
  expect(run.code, run.stdout).toBe(1);
  expect(run.stdout).toMatch(/driver\.timeout.*expected a duration/);
  expect(() => readFileSync(join(root, "ran"))).toThrow();
}, 30_000);

it("stops the deploy command's processes when the job is cancelled (SIGTERM to the Action)", async () => {
  const ws = workspace("cancel", `echo $$ > "${root}/cancel.pid"; echo started; sleep 600`, "10m");
  writeFileSync(join(root, "cancel-output"), "");
  writeFileSync(join(root, "cancel-summary"), "");
  const child = spawn(runnerNode(), [BUNDLE], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: root,
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: join(root, "cancel-output"),
      GITHUB_STEP_SUMMARY: join(root, "cancel-summary"),
      INPUT_RELEASE: "v1",
      INPUT_STAGE: "production",
      INPUT_TOKEN: "t",
      INPUT_CLEARANCE: "off",
      "INPUT_WORK-DIR": join(ws, "work"),
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: github.url,
      GITHUB_WORKSPACE: ws,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  await new Promise<void>((ready) =>
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("[web-1] started")) ready();
    }),
  );
  const shell = Number(readFileSync(join(root, "cancel.pid"), "utf8"));
  started.push(shell);
  const code = await new Promise<number | null>((done) => {
    child.on("close", (c) => done(c));
    child.kill("SIGTERM");
  });
  expect(code).toBe(143);
  expect(alive(shell)).toBe(false);
}, 30_000);
