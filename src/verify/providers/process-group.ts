import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface GroupRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL to the group (default 5 s). */
  graceMs?: number;
  /** Each output line (stdout and stderr), as it comes. */
  log: (line: string) => void;
}

export interface GroupRunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  startError?: string;
}

const DRAIN_MS = 500;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs `sh -c <command>` as the leader of its own process group. At the time limit the whole group (the shell
 * and everything it started, background jobs included) gets SIGTERM, and SIGKILL after the grace period. It
 * settles when the shell has exited and its output pipes are closed, or, once it was stopped, at once after the
 * group is killed, so a child that escaped the group cannot hold the deploy job.
 */
export function runInGroup(command: string, options: GroupRunOptions): Promise<GroupRunResult> {
  const graceMs = options.graceMs ?? 5_000;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: GroupRunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      resolve(result);
    };
    const child = spawn("sh", ["-c", command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let timedOut = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    const limit = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      signalGroup(pid, "SIGTERM");
      setTimeout(() => {
        signalGroup(pid, "SIGKILL");
        child.stdout?.destroy();
        child.stderr?.destroy();
        done({ exitCode: exit?.code ?? null, signal: exit?.signal ?? "SIGKILL", timedOut: true });
      }, graceMs).unref();
    }, options.timeoutMs);
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on("line", options.log);
    child.on("error", (error) =>
      done({ exitCode: null, signal: null, timedOut: false, startError: error.message }),
    );
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      if (timedOut) return;
      // The shell is done; a background job it left may hold the pipes open. Read what is already written, then
      // stop what is left of the group (a test's processes do not outlive its check) and report the exit code.
      setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
        child.stdout?.destroy();
        child.stderr?.destroy();
        done({ exitCode: code, signal: signal ?? null, timedOut: false });
      }, DRAIN_MS).unref();
    });
    child.on("close", (code, signal) => {
      if (timedOut) {
        // Stopped at the limit: make sure nothing of the group survives, then report.
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
        done({ exitCode: code, signal: signal ?? null, timedOut: true });
      } else {
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
        done({ exitCode: code, signal: signal ?? null, timedOut: false });
      }
    });
  });
}
