import { randomBytes } from "node:crypto";
import {
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { type HistoryEntry, recency } from "./history.js";

/**
 * The layout the directory driver keeps in a target directory, shared with the offline `shipline` CLI:
 *   <dir>/releases/<version>/              one folder per installed release
 *   <dir>/releases/<version>/.shipline.json  written last: a folder without it is an unfinished install
 *   <dir>/current -> releases/<version>     switched atomically (a new link renamed over the old one)
 *   <dir>/shipline-history                  the deploy history (history.ts), append-only
 *   <dir>/shipline-rollback                 the offline rollback program, POSIX sh (rollback-script.ts)
 * docs/action.md, "On-target layout and offline rollback", is the specification (the ssh driver keeps it too).
 */
export const RELEASES = "releases";
export const CURRENT = "current";
export const META = ".shipline.json";

export interface ReleaseMeta {
  version: string;
  digest?: string;
  installedAt: string;
  assets?: string[];
}

export interface KeptRelease {
  /** Folder name under releases/. */
  name: string;
  meta: ReleaseMeta;
}

/** A release's folder name: its version with anything but letters, digits, `.`, `_`, `+`, `-` replaced by `_`. */
export function releaseDirName(version: string): string {
  const name = version.replace(/[^A-Za-z0-9._+-]/g, "_");
  if (name === "" || name === "-" || /^\.+$/.test(name))
    throw new Error(`"${version}" cannot name a release folder`);
  return name;
}

/** The release folder `current` points at, null when there is no `current` yet. */
export async function readCurrent(dir: string): Promise<string | null> {
  const path = join(dir, CURRENT);
  let link: string;
  try {
    link = await readlink(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EINVAL")
      throw new Error(
        `${path} is not a symlink; Shipline switches releases by replacing that link. Move it away.`,
      );
    throw error;
  }
  const m = /^(?:\.\/)?releases\/([^/]+)\/?$/.exec(link);
  if (!m) throw new Error(`${path} points at ${link}, outside ${RELEASES}/; Shipline does not manage it.`);
  return m[1]!;
}

export async function readMeta(dir: string, name: string): Promise<ReleaseMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, RELEASES, name, META), "utf8")) as Partial<ReleaseMeta>;
    if (typeof meta.version !== "string" || typeof meta.installedAt !== "string") return undefined;
    return meta as ReleaseMeta;
  } catch {
    return undefined;
  }
}

/** Complete releases kept in `dir`, oldest install first. */
export async function listReleases(dir: string): Promise<KeptRelease[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, RELEASES));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const kept: KeptRelease[] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const meta = await readMeta(dir, name);
    if (meta) kept.push({ name, meta });
  }
  return kept.sort(
    (a, b) => a.meta.installedAt.localeCompare(b.meta.installedAt) || a.name.localeCompare(b.name),
  );
}

const tmpName = (prefix: string) => `${prefix}${randomBytes(6).toString("hex")}`;

/** Points `current` at a release folder (or removes it, for null) atomically: readers see old or new, never none. */
export async function switchCurrent(dir: string, name: string | null): Promise<void> {
  const path = join(dir, CURRENT);
  if (name === null) {
    await rm(path, { force: true });
    return;
  }
  const temp = join(dir, tmpName(".current-"));
  await symlink(`${RELEASES}/${name}`, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Copies an extracted release tree into releases/<name>/: first into a temporary folder beside it, then renamed
 * into place, so a half-copied release is never visible under its name.
 */
export async function installRelease(
  dir: string,
  name: string,
  tree: string,
  meta: ReleaseMeta,
): Promise<void> {
  const releases = join(dir, RELEASES);
  await mkdir(releases, { recursive: true });
  const incoming = join(releases, tmpName(".incoming-"));
  try {
    await cp(tree, incoming, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    await writeFile(join(incoming, META), `${JSON.stringify(meta, null, 2)}\n`);
    const final = join(releases, name);
    const existing = await lstat(final).catch(() => undefined);
    if (existing) await rm(final, { recursive: true, force: true });
    await rename(incoming, final);
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Keeps the `keep` releases most recently current by the deploy history (releases the history never names count
 * as older, by install time), and always the ones in `protect` (the current, the previous, the rollback target).
 */
export async function pruneReleases(
  dir: string,
  keep: number,
  protect: readonly (string | null)[],
  history: readonly HistoryEntry[] = [],
): Promise<string[]> {
  const seen = recency(history);
  const kept = (await listReleases(dir)).sort((a, b) => (seen.get(a.name) ?? -1) - (seen.get(b.name) ?? -1));
  const removable = kept.slice(0, Math.max(0, kept.length - keep)).filter((r) => !protect.includes(r.name));
  for (const r of removable) await rm(join(dir, RELEASES, r.name), { recursive: true, force: true });
  const releases = join(dir, RELEASES);
  for (const name of await readdir(releases).catch(() => [] as string[]))
    if (name.startsWith(".incoming-")) await rm(join(releases, name), { recursive: true, force: true });
  return removable.map((r) => r.name);
}
