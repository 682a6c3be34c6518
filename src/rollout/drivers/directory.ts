import { isAbsolute, resolve } from "node:path";
import type { Target } from "../plan.js";
import type { ReleaseSource } from "../source.js";
import {
  installRelease,
  pruneReleases,
  readCurrent,
  readMeta,
  releaseDirName,
  switchCurrent,
} from "./release-dir.js";
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

/** What `current` pointed at before the run (null: there was no `current`). */
export type DirectoryBefore = string | null;

/**
 * Installs releases into <dir>/releases/<version>/ and switches <dir>/current atomically; keeps `keep` releases.
 * A release already kept on the target is switched to without downloading anything.
 */
export function directoryDriver(options: DirectoryDriverOptions): TargetDriver<DirectoryBefore> {
  const now = options.now ?? (() => new Date());
  const dirOf = (targets: readonly Target[]) => {
    const [target] = targets;
    if (!target || targets.length !== 1) throw new Error("the directory driver deploys one target at a time");
    return targetDirectory(options.path, target, options.base);
  };
  return {
    kind: "directory",
    perBatch: false,
    before: async (targets) => readCurrent(dirOf(targets)),
    async deploy(targets, _context: DeployContext): Promise<DeployResult> {
      const dir = dirOf(targets);
      const version = options.source.version;
      const name = releaseDirName(version);
      const previous = await readCurrent(dir);
      const meta = await readMeta(dir, name);
      if (previous === name && meta?.version === version)
        return { changed: false, detail: `${dir} already runs ${version}` };
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
      await switchCurrent(dir, name);
      const pruned = await pruneReleases(dir, options.keep, [name, previous]);
      const prunedNote = pruned.length ? `; pruned ${pruned.join(", ")}` : "";
      return {
        changed: true,
        detail: `${dir}: ${how} ${version} (was ${previous ?? "nothing"})${prunedNote}`,
      };
    },
    async restore(targets, before): Promise<string> {
      const dir = dirOf(targets);
      if (before !== null && !(await readMeta(dir, before)))
        throw new Error(`${dir}: the previous release ${before} is no longer kept; cannot switch back`);
      await switchCurrent(dir, before);
      return before === null
        ? `${dir}: removed current (there was none before)`
        : `${dir}: current -> ${before}`;
    },
  };
}
