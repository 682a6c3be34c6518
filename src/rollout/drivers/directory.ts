import { isAbsolute, resolve } from "node:path";
import type { Target } from "../plan.js";
import type { ReleaseSource } from "../source.js";
import {
  agreedRelease,
  appendHistory,
  type HistoryEvent,
  historyStack,
  previousFromHistory,
  readHistory,
} from "./history.js";
import { withTargetLock } from "./lock.js";
import {
  installRelease,
  pruneReleases,
  readCurrent,
  readMeta,
  releaseDirName,
  switchCurrent,
} from "./release-dir.js";
import { installRollbackScript } from "./rollback-script.js";
import type { DeployContext, DeployResult, TargetDriver } from "./types.js";

export interface DirectoryDriverOptions {
  /** `driver.path`, with {target} and {region}. */
  path: string;
  keep: number;
  /** Base for a relative path (the workspace). */
  base: string;
  source: ReleaseSource;
  now?: () => Date;
}

/** The target's directory: `{target}` and `{region}` substituted, refusing names that would leave the template. */
export function targetDirectory(template: string, target: Target, base: string): string {
  for (const value of [target.name, target.region])
    if (/[/\\\0]/.test(value) || value === "." || value === "..")
      throw new Error(`target "${value}" cannot be used in a directory path`);
  const path = template.replaceAll("{target}", target.name).replaceAll("{region}", target.region);
  return isAbsolute(path) ? path : resolve(base, path);
}

export type HistoryAnswer = { ok: true; version: string } | { ok: false; why: string };

/**
 * What the targets' own deploy histories say was current before `from`, when every target runs `from` and their
 * histories agree (docs/action.md, "On-target layout and offline rollback"). A rollback done on the hosts while
 * GitHub was down is in these histories and in no GitHub record, so a rollback follows them first.
 */
export async function previousByHistory(
  template: string,
  targets: readonly Target[],
  base: string,
  from: string,
): Promise<HistoryAnswer> {
  const answers = new Map<string, string[]>();
  for (const target of targets) {
    const dir = targetDirectory(template, target, base);
    const current = await readCurrent(dir);
    const running = current === null ? undefined : (await readMeta(dir, current))?.version;
    if (current === null || running !== from)
      return { ok: false, why: `${target.name} runs ${running ?? "nothing"}, not ${from}` };
    const choice = previousFromHistory(historyStack((await readHistory(dir)).entries), current);
    if (!choice.ok) return { ok: false, why: `${target.name}: ${choice.error}` };
    const version = (await readMeta(dir, choice.release))?.version ?? choice.release;
    answers.set(version, [...(answers.get(version) ?? []), target.name]);
  }
  return agreedRelease(answers, "targets");
}

/** What `current` pointed at before the run (null: there was no `current`). */
export type DirectoryBefore = string | null;

/**
 * Installs releases into <dir>/releases/<version>/ and switches <dir>/current atomically; records every switch in
 * <dir>/shipline-history, keeps <dir>/shipline-rollback current, and keeps `keep` releases by the history.
 * A release already kept on the target is switched to without downloading anything.
 */
export function directoryDriver(options: DirectoryDriverOptions): TargetDriver<DirectoryBefore> {
  const now = options.now ?? (() => new Date());
  const dirOf = (targets: readonly Target[]) => {
    const [target] = targets;
    if (!target || targets.length !== 1) throw new Error("the directory driver deploys one target at a time");
    return targetDirectory(options.path, target, options.base);
  };
  /** Switches, records the switch, and returns what pruning must never remove besides the two releases. */
  const switchAndRecord = async (
    dir: string,
    event: HistoryEvent,
    release: string | null,
    previous: string | null,
  ): Promise<string[]> => {
    await switchCurrent(dir, release);
    await appendHistory(dir, { time: now().toISOString(), event, release, previous, by: "action" });
    return historyStack((await readHistory(dir)).entries).slice(-2);
  };
  const deployTo = async (dir: string, context: DeployContext): Promise<DeployResult> => {
    const version = options.source.version;
    const name = releaseDirName(version);
    const previous = await readCurrent(dir);
    const meta = await readMeta(dir, name);
    if (previous === name && meta?.version === version) {
      await installRollbackScript(dir);
      return { changed: false, detail: `${dir} already runs ${version}` };
    }
    let how = "switched to the kept release";
    if (meta?.version !== version) {
      const verified = await options.source.artifacts();
      const tree = await options.source.tree();
      await installRelease(dir, name, tree, {
        version,
        digest: verified.digest,
        installedAt: now().toISOString(),
        assets: verified.files.map((f) => f.name),
      });
      how = "installed";
    }
    await installRollbackScript(dir);
    const event = context.mode === "rollback" ? "rollback" : "deploy";
    const onStack = await switchAndRecord(dir, event, name, previous);
    const history = (await readHistory(dir)).entries;
    const pruned = await pruneReleases(dir, options.keep, [name, previous, ...onStack], history);
    const prunedNote = pruned.length ? `; pruned ${pruned.join(", ")}` : "";
    return {
      changed: true,
      detail: `${dir}: ${how} ${version} (was ${previous ?? "nothing"})${prunedNote}`,
    };
  };
  const restoreTo = async (dir: string, before: DirectoryBefore): Promise<string> => {
    if (before !== null && !(await readMeta(dir, before)))
      throw new Error(`${dir}: the previous release ${before} is no longer kept; cannot switch back`);
    const was = await readCurrent(dir);
    if (was === before) return `${dir}: current is still ${before ?? "nothing"}`;
    await switchAndRecord(dir, "restore", before, was);
    return before === null
      ? `${dir}: removed current (there was none before)`
      : `${dir}: current -> ${before}`;
  };
  return {
    kind: "directory",
    perBatch: false,
    before: async (targets) => readCurrent(dirOf(targets)),
    async deploy(targets, context: DeployContext): Promise<DeployResult> {
      const dir = dirOf(targets);
      return withTargetLock(dir, "action", () => deployTo(dir, context), { create: true });
    },
    async restore(targets, before): Promise<string> {
      const dir = dirOf(targets);
      // Nothing to put back (e.g. the deploy was refused because someone else held the lock): do not take it.
      if ((await readCurrent(dir)) === before) return `${dir}: current is still ${before ?? "nothing"}`;
      return withTargetLock(dir, "action", () => restoreTo(dir, before));
    },
  };
}
