// Running a program as an operator does when GitHub, CI and the network are down: in a network namespace with no
// network (`unshare -n`, where this machine permits it) and with only the tools a PATH of symlinks offers.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** The tools a target's shipline-rollback script may use (no node). */
export const ROLLBACK_TOOLS = [
  "sh",
  "ls",
  "readlink",
  "ln",
  "mv",
  "rm",
  "date",
  "cat",
  "tr",
  "uname",
  "mkdir",
];

/** Where `tool` is on this machine's PATH ("" if nowhere). */
export function which(tool: string): string {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
}

/** Makes `dir`, a PATH of symlinks to `tools` only. */
export function toolDir(dir: string, tools: readonly string[]): string {
  mkdirSync(dir);
  for (const tool of tools) symlinkSync(which(tool), join(dir, tool));
  return dir;
}

const UNSHARE = which("unshare");
/** Whether `unshare -n` is permitted here (it needs root or user namespaces); without it the network stays up. */
export const canUnshare = UNSHARE !== "" && spawnSync(UNSHARE, ["-n", "true"]).status === 0;

export interface OfflineRun {
  /** The exit status; -1 when the program could not be started or was killed. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` (a path and its arguments) with no network where permitted, with exactly `env` and in `cwd`. */
export function runOffline(command: string[], env: Record<string, string>, cwd?: string): OfflineRun {
  const [file, argv] = canUnshare ? [UNSHARE, ["-n", ...command]] : [command[0]!, command.slice(1)];
  const run = spawnSync(file, argv, { env, encoding: "utf8", ...(cwd ? { cwd } : {}) });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
