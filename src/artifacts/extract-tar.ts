import type { Readable } from "node:stream";
import { type ReadEntry, Unpack } from "tar";
import { ArtifactError } from "./errors.js";
import { entryPathProblem, hardlinkProblem, symlinkProblem } from "./safe-path.js";

export interface ExtractLimits {
  /** Bound on the total bytes written; a larger archive is refused as soon as it crosses it. */
  maxBytes: number;
  maxEntries?: number;
}

export interface ExtractStats {
  files: number;
  bytes: number;
}

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const DEFAULT_MAX_ENTRIES = 200_000;

/** Why a tar entry may not be extracted, or undefined when it may. */
export function tarEntryProblem(entry: ReadEntry): string | undefined {
  const pathProblem = entryPathProblem(entry.path);
  if (pathProblem) return pathProblem;
  if (entry.type === "SymbolicLink") return symlinkProblem(entry.path, entry.linkpath ?? "");
  if (entry.type === "Link") return hardlinkProblem(entry.linkpath ?? "");
  if (entry.type === "Directory" || FILE_TYPES.has(entry.type)) return undefined;
  return `an entry of type ${entry.type}, which a release has no use for`;
}

/**
 * Extracts a tar stream (gzip detected by its magic bytes) into `dest`, refusing the whole archive at the first
 * entry that would land outside `dest` (absolute path, `..`, a link escaping it), at a device or FIFO, or once
 * the running byte count crosses the bound. Ownership is not restored and set-id bits are dropped.
 */
export function extractTar(
  input: Readable,
  dest: string,
  label: string,
  limits: ExtractLimits,
): Promise<ExtractStats> {
  const stats: ExtractStats = { files: 0, bytes: 0 };
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  return new Promise((resolve, reject) => {
    let refusal: ArtifactError | undefined;
    const refuse = (reason: string) => {
      refusal ??= new ArtifactError(
        `${label}: refused, the archive contains ${reason}; nothing was deployed.`,
      );
      unpack.abort(refusal);
      input.destroy();
    };
    const unpack = new Unpack({
      cwd: dest,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      unlink: false,
      maxDecompressionRatio: 10_000,
      filter: (_path, entry) => {
        if (refusal || !("type" in entry) || !("linkpath" in entry)) return false;
        const readEntry = entry as ReadEntry;
        const problem = tarEntryProblem(readEntry);
        if (problem) {
          refuse(`${problem} at "${readEntry.path}"`);
          return false;
        }
        if (++stats.files > maxEntries) {
          refuse(`more than ${maxEntries} entries`);
          return false;
        }
        stats.bytes += readEntry.size ?? 0;
        if (stats.bytes > limits.maxBytes) {
          refuse(`more than ${limits.maxBytes} bytes once extracted (artifacts.max-size)`);
          return false;
        }
        if (readEntry.mode !== undefined) readEntry.mode &= 0o777;
        return true;
      },
    });
    const fail = (error: unknown) => {
      input.destroy();
      if (refusal) return reject(refusal);
      const message = error instanceof Error ? error.message : String(error);
      reject(new ArtifactError(`${label}: not a readable archive (${message}); nothing was deployed.`));
    };
    unpack.on("error", fail);
    input.on("error", fail);
    unpack.on("close", () => (refusal ? reject(refusal) : resolve(stats)));
    input.pipe(unpack);
  });
}
