import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ProcessError, runProcess } from "../../src/rollout/process.js";

const dir = mkdtempSync(join(tmpdir(), "shipline-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

it("kills with SIGKILL what ignores SIGTERM once the grace period ends", async () => {
  const lines: string[] = [];
  const run = runProcess(`trap "" TERM; echo $$ > pid; echo up; while :; do sleep 1; done`, {
    env: { PATH: process.env.PATH },
    cwd: dir,
    timeoutMs: 300,
    graceMs: 300,
    label: "target t",
    limitName: "driver.timeout",
    log: (l) => lines.push(l),
  });
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProcessError);
  expect((error as ProcessError).timedOut).toBe(true);
  expect(lines[0]).toBe("up");
  expect(running(Number(readFileSync(join(dir, "pid"), "utf8")))).toBe(false);
}, 20_000);

it("keeps the last lines a command wrote, and reports its exit code", async () => {
  const lines: string[] = [];
  const error = await runProcess(`echo one; echo two >&2; exit 4`, {
    env: { PATH: process.env.PATH },
    cwd: dir,
    timeoutMs: 60_000,
    label: "target t",
    what: "the deploy command",
    limitName: "driver.timeout",
    log: (l) => lines.push(l),
  }).catch((e: unknown) => e);
  expect((error as Error).message).toBe("target t: the deploy command exited with code 4");
  expect(lines.sort()).toEqual(["one", "two"]);
});
