import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * `<dir>/.shipline-lock`: taken (mkdir, atomic) by every writer of a target's layout, the directory driver, the
 * CLI's `rollback --dir` and `shipline-rollback`, so a person rolling back on the host and a deploy job never switch
 * `current` at once. `owner` inside says who: `<by> <pid> <host> <time>`. A lock whose process is gone (same host,
 * no such pid) is stale and taken over; any other held lock is a refusal that says how to clear it.
 */
export const LOCK = ".shipline-lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function take(dir: string, by: string, retry: boolean): Promise<void> {
  const lock = join(dir, LOCK);
  try {
    await mkdir(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = (await readFile(join(lock, "owner"), "utf8").catch(() => "")).trim();
    const [, pid, host] = owner.split(" ");
    if (retry && host === hostname() && pid && /^\d+$/.test(pid) && !alive(Number(pid))) {
      await rm(lock, { recursive: true, force: true });
      return take(dir, by, false);
    }
    throw new Error(
      `${dir}: another Shipline deploy or rollback is switching this target (${owner || "owner unknown"}); if none is running, remove ${lock}`,
    );
  }
  await writeFile(join(lock, "owner"), `${by} ${process.pid} ${hostname()} ${new Date().toISOString()}\n`);
}

/** Runs `work` holding the target's lock (creating `dir` first with `create`); always releases it. */
export async function withTargetLock<T>(
  dir: string,
  by: string,
  work: () => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  if (options.create) await mkdir(dir, { recursive: true });
  await take(dir, by, true);
  try {
    return await work();
  } finally {
    await rm(join(dir, LOCK), { recursive: true, force: true });
  }
}
