import { z } from "zod";

/**
 * A target name, whatever the driver: visible characters only (a space or newline would split the
 * newline-separated SHIPLINE_TARGETS list and shell word lists), not starting with "-" (it would read as an option
 * to `ssh`, `rsync` and friends). Driver-specific rules are in `targetNameProblem`.
 */
export const TargetName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[^\s\-\p{Cc}][^\s\p{Cc}]*$/u,
    "a target name has no spaces or control characters and does not start with '-'",
  );

/** Characters a directory-driver target may use: it becomes one folder name in `driver.path`. */
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._@+-]*$/;

/**
 * Why `name` cannot work with the pipeline's driver, or undefined. The directory driver puts the name into
 * `driver.path` as ONE folder name, so it must be a single safe path segment (no "/", "\\", "..", "~", "$", ...).
 * The command driver (and other remote drivers) hands the name over in SHIPLINE_TARGET only, so host names,
 * `user@host`, `host:port` and `[v6]` addresses pass; TargetName already refused what is never safe.
 */
export function targetNameProblem(
  name: string,
  driver: { type: string; path?: string } | undefined,
): string | undefined {
  if (driver?.type !== "directory") return undefined;
  if (PATH_SEGMENT.test(name) && name !== "." && name !== "..") return undefined;
  const uses = driver.path?.includes("{target}") ? ` in driver.path "${driver.path}"` : "";
  return `target "${name}" cannot be a folder name${uses} (directory driver): use letters, digits, '.', '-', '_', '@' or '+', e.g. "${name.replace(/[^A-Za-z0-9._@+-]+/g, "-").replace(/^[^A-Za-z0-9_]+/, "") || "web-1"}"; group targets with regions and {region} instead of "/"`;
}

/**
 * A directory driver whose path does not name {target}, with several targets: every target would install into the
 * same folder at the same time. Returns the problem, or undefined.
 */
export function sharedFolderProblem(
  driver: { type: string; path?: string } | undefined,
  targets: readonly string[],
): string | undefined {
  if (driver?.type !== "directory" || !driver.path || driver.path.includes("{target}") || targets.length < 2)
    return undefined;
  return `driver.path "${driver.path}" has no {target}, so all ${targets.length} targets would install into the same folder at once; put {target} in it, e.g. "${driver.path.replace(/\/+$/, "")}/{target}"`;
}
