import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { copyFile, lstat, mkdir, readdir, readlink, realpath } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { ArtifactError } from "./errors.js";
import { type ExtractLimits, type ExtractStats, extractTar, type OpenStream } from "./extract-tar.js";
import { extractZip } from "./extract-zip.js";
import { artifactKind } from "./kind.js";

/** A .deb's data archive as a stream: `dpkg-deb --fsys-tarfile`, whose exit is checked once the stream ends. */
function debDataStream(file: string, label: string): ReturnType<OpenStream> {
  const child = spawn("dpkg-deb", ["--fsys-tarfile", file], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const exited = new Promise<number | null>((done, failed) => {
    child.on("error", failed);
    child.on("close", done);
  });
  // A failure to start surfaces through `done`; until then nobody may see an unhandled rejection.
  exited.catch(() => undefined);
  child.stdout.on("close", () => {
    if (child.exitCode === null) child.kill();
  });
  return {
    stream: child.stdout,
    done: async () => {
      let code: number | null;
      try {
        code = await exited;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
          throw new ArtifactError(
            `${label}: dpkg-deb is needed to unpack .deb artifacts; install dpkg on the runner.`,
          );
        throw error;
      }
      if (code !== 0)
        throw new ArtifactError(`${label}: dpkg-deb failed (${stderr.trim() || `exit ${code}`}).`);
    },
  };
}

/**
 * Unpacks (or, for a plain file, copies) one verified artifact into `dest`, which the caller owns: on a
 * refusal it holds a partial extraction to delete, and nothing has been written anywhere else.
 */
export async function extractArtifact(
  file: string,
  name: string,
  dest: string,
  limits: ExtractLimits,
): Promise<ExtractStats> {
  await mkdir(dest, { recursive: true });
  const kind = artifactKind(name);
  if (kind === "tar") return extractTar(() => ({ stream: createReadStream(file) }), dest, name, limits);
  if (kind === "zip") return extractZip(file, dest, name, limits);
  if (kind === "deb") return extractTar(() => debDataStream(file, name), dest, name, limits);
  const stat = await lstat(file);
  if (stat.size > limits.maxBytes) throw new ArtifactError(`${name} is over artifacts.max-size.`);
  await copyFile(file, join(dest, basename(name)));
  return { files: 1, bytes: stat.size };
}

/**
 * A second line of defence after extraction: every symlink in the tree, resolved by the file system (so chains of
 * links count), stays inside `root`. Returns the first that does not.
 */
export async function findEscapingLink(root: string): Promise<string | undefined> {
  const top = await realpath(resolve(root));
  const walk = async (dir: string): Promise<string | undefined> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = resolve(dirname(path), await readlink(path));
        if (!isInside(top, target)) return relative(top, path);
        const real = await realpathOrUndefined(path);
        if (real !== undefined && !isInside(top, real)) return relative(top, path);
      } else if (entry.isDirectory()) {
        const found = await walk(path);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(top);
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}
