import { posix } from "node:path";

/**
 * Path rules every archive entry obeys, whatever the archive format: relative, no `..` segment, and links that
 * resolve inside the extraction root. Returns the problem, or undefined when the entry is safe.
 */
export function entryPathProblem(path: string): string | undefined {
  if (path.includes("\0")) return "a NUL byte in its name";
  if (path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path)) return "an absolute path";
  if (path.split(/[\\/]+/).includes("..")) return "a `..` path segment";
  return undefined;
}

/** Normalises an entry path relative to the root ("./a//b/" -> "a/b"); "" is the root itself. */
export function normalEntryPath(path: string): string {
  const n = posix.normalize(path.replace(/\\/g, "/")).replace(/\/+$/, "");
  return n === "." ? "" : n.replace(/^\.\//, "");
}

function escapes(resolved: string): boolean {
  return resolved === ".." || resolved.startsWith("../") || posix.isAbsolute(resolved);
}

/** A symbolic link at `entry` pointing at `target` (relative to the link's folder) must stay inside the root. */
export function symlinkProblem(entry: string, target: string): string | undefined {
  if (target.length === 0) return "an empty link target";
  if (posix.isAbsolute(target) || /^[A-Za-z]:/.test(target))
    return `a symlink to an absolute path (${target})`;
  const resolved = posix.normalize(posix.join(posix.dirname(normalEntryPath(entry)), target));
  return escapes(resolved) ? `a symlink pointing outside the release (${target})` : undefined;
}

/** A hard link's target is a path from the archive root and must stay inside it. */
export function hardlinkProblem(target: string): string | undefined {
  const problem = entryPathProblem(target);
  if (problem) return `a hard link to ${problem.replace(/^an? /, "")} (${target})`;
  return escapes(posix.normalize(target))
    ? `a hard link pointing outside the release (${target})`
    : undefined;
}
