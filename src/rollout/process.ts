import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { formatDuration } from "../config/duration.js";

export interface ProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Time limit for the whole command; on expiry its process group gets SIGTERM, then SIGKILL after `graceMs`. */
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  graceMs?: number;
  /**
   * How long output already written is still read after the command's own process has exited, before the
   * pipes are let go (background children may hold them open for ever). Default 250 ms.
   */
  drainMs?: number;
  /** Names what ran in the error texts and the log, e.g. `target web-1`. */
  label: string;
  /** What runs, in the error texts: "the deploy command" (default "the command"). */
  what?: string;
  /** What the time limit is called in the error text, e.g. `driver.timeout`. */
  limitName: string;
  log: (line: string) => void;
}

export class ProcessError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = "ProcessError";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Process groups still running: a cancelled job (SIGTERM/SIGINT to the Action) stops them before it exits. */
const running = new Set<number>();
let forwarding = false;

function forwardStopSignals(): void {
  if (forwarding) return;
  forwarding = true;
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)
    process.once(signal, () => {
      for (const pid of running) signalGroup(pid, "SIGTERM");
      process.exit(code);
    });
}

/**
 * Runs `sh -c <command>` in its own process group, with values only in the environment, never in the command
 * text. It settles when the shell itself exits: output its background children write to the inherited pipes
 * is read for a short drain and then let go, so `daemon &` never holds the deploy. On the time limit the
 * whole group (the shell and everything it started) gets SIGTERM, then SIGKILL after the grace period.
 */
export function runProcess(command: string, options: ProcessOptions): Promise<void> {
  const graceMs = options.graceMs ?? 5_000;
  const drainMs = options.drainMs ?? 250;
  const what = options.what ?? "the command";
  const limit = formatDuration(options.timeoutMs) || `${options.timeoutMs} ms`;
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = child.pid;
    if (group !== undefined) {
      running.add(group);
      forwardStopSignals();
    }
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let openPipes = 2;
    let drain: NodeJS.Timeout | undefined;
    let settled = false;

    const readers = [child.stdout, child.stderr].map((stream) => {
      const rl = createInterface({ input: stream });
      rl.on("line", options.log);
      stream.once("close", () => {
        openPipes--;
        if (exit && openPipes === 0) finish();
      });
      return rl;
    });

    const timer = setTimeout(() => {
      timedOut = true;
      options.log(
        `${options.label}: time limit ${limit} (${options.limitName}) reached; stopping ${what} and everything it started (SIGTERM, then SIGKILL after ${formatDuration(graceMs)})`,
      );
      const pid = child.pid;
      if (pid !== undefined && signalGroup(pid, "SIGTERM")) {
        // Whatever ignores SIGTERM is killed after the grace, even once the deploy has moved on.
        setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs).unref();
      }
    }, options.timeoutMs);

    function finish(error?: Error): void {
      if (settled) return;
      settled = true;
      if (group !== undefined) running.delete(group);
      clearTimeout(timer);
      if (drain) clearTimeout(drain);
      for (const rl of readers) rl.close();
      child.stdout.destroy();
      child.stderr.destroy();
      const failure = error ?? outcome();
      if (failure) reject(failure);
      else resolve();
    }

    /** Why the command failed, or undefined when it exited 0. */
    function outcome(): ProcessError | undefined {
      if (timedOut)
        return new ProcessError(
          `${options.label}: ${what} did not finish within ${limit} (${options.limitName}) and was stopped. Raise ${options.limitName}, or find what hangs (a prompt, a host that does not answer).`,
          true,
        );
      if (exit?.code === 0) return undefined;
      return new ProcessError(
        exit?.signal
          ? `${options.label}: ${what} was killed by ${exit.signal}`
          : `${options.label}: ${what} exited with code ${exit?.code}`,
        false,
      );
    }

    child.on("error", (error) =>
      finish(new ProcessError(`${options.label}: cannot run ${what}: ${error.message}`, false)),
    );
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      clearTimeout(timer);
      if (openPipes === 0) return finish();
      // Background children may keep the pipes open: read what is already there, then let go.
      drain = setTimeout(() => finish(), drainMs);
    });
  });
}
