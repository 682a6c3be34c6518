import type { Readable } from "node:stream";
import { Parser, type ReadEntry, Unpack } from "tar";
import { ArtifactError } from "./errors.js";
import { entryPathProblem, hardlinkProblem, normalEntryPath, symlinkProblem } from "./safe-path.js";

export interface ExtractLimits {
  /** Bound on the total bytes written; a larger archive is refused as soon as it crosses it. */
  maxBytes: number;
  maxEntries?: number;
}

export interface ExtractStats {
  files: number;
  /** Bytes the release takes once installed: a hard link counts the size of the file it links to. */
  bytes: number;
}

/** Opens the archive's bytes afresh: the archive is read twice, once to check it, once to extract it. */
export type OpenStream = () => { stream: Readable; done?: () => Promise<void> };

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const DEFAULT_MAX_ENTRIES = 200_000;
const MAX_DECOMPRESSION_RATIO = 10_000;

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
 * The checks every entry passes, in archive order, with the running counts. A hard link counts the size of the
 * file it links to: the release is copied onto targets file by file, so a link costs what its target costs.
 */
class EntryRules {
  readonly stats: ExtractStats = { files: 0, bytes: 0 };
  private readonly sizes = new Map<string, number>();
  constructor(
    private readonly limits: ExtractLimits,
    private readonly maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES,
  ) {}

  problem(entry: ReadEntry): string | undefined {
    const problem = tarEntryProblem(entry);
    if (problem) return `${problem} at "${entry.path}"`;
    if (++this.stats.files > this.maxEntries) return `more than ${this.maxEntries} entries`;
    const path = normalEntryPath(entry.path);
    let size = 0;
    if (entry.type === "Link") size = this.sizes.get(normalEntryPath(entry.linkpath ?? "")) ?? 0;
    else if (FILE_TYPES.has(entry.type)) size = entry.size ?? 0;
    if (entry.type !== "Directory") this.sizes.set(path, size);
    this.stats.bytes += size;
    if (this.stats.bytes > this.limits.maxBytes)
      return `more than ${this.limits.maxBytes} bytes once extracted (artifacts.max-size; hard links count the size of what they link to)`;
    return undefined;
  }
}

const refusal = (label: string, reason: string) =>
  new ArtifactError(`${label}: refused, the archive contains ${reason}; nothing was deployed.`);
const unreadable = (label: string, error: unknown) =>
  new ArtifactError(
    `${label}: not a readable archive (${error instanceof Error ? error.message : String(error)}); nothing was deployed.`,
  );

/** Reads the whole archive without writing anything: the first problem, or the counts of a sound archive. */
function scanTar(open: OpenStream, label: string, limits: ExtractLimits): Promise<ExtractStats> {
  const rules = new EntryRules(limits);
  const { stream, done } = open();
  return new Promise<ExtractStats>((resolve, reject) => {
    let failure: ArtifactError | undefined;
    const fail = (error: ArtifactError) => {
      if (failure) return;
      failure = error;
      stream.destroy();
      reject(error);
    };
    const parser = new Parser({ strict: true, maxDecompressionRatio: MAX_DECOMPRESSION_RATIO });
    parser.on("entry", (entry: ReadEntry) => {
      const problem = failure ? undefined : rules.problem(entry);
      if (problem) fail(refusal(label, problem));
      entry.resume();
    });
    parser.on("error", (error: unknown) => fail(unreadable(label, error)));
    stream.on("error", (error: unknown) => fail(unreadable(label, error)));
    parser.on("end", () => {
      if (failure) return;
      if (!done) return resolve(rules.stats);
      done().then(
        () => resolve(rules.stats),
        (error: unknown) => fail(error instanceof ArtifactError ? error : unreadable(label, error)),
      );
    });
    stream.pipe(parser);
  });
}

/**
 * Extracts a tar stream (gzip detected by its magic bytes) into `dest`. The archive is read through once first
 * without writing anything, so a hostile, oversized (hard links count) or damaged archive is refused with its
 * first real problem and nothing on disk; only a sound archive is then unpacked, through the same checks.
 * Ownership is not restored and set-id bits are dropped.
 */
export async function extractTar(
  open: OpenStream,
  dest: string,
  label: string,
  limits: ExtractLimits,
): Promise<ExtractStats> {
  await scanTar(open, label, limits);
  const rules = new EntryRules(limits);
  const { stream, done } = open();
  return new Promise((resolve, reject) => {
    let failure: ArtifactError | undefined;
    const fail = (error: ArtifactError) => {
      failure ??= error;
      unpack.abort(failure);
      stream.destroy();
    };
    const unpack = new Unpack({
      cwd: dest,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      unlink: false,
      maxDecompressionRatio: MAX_DECOMPRESSION_RATIO,
      filter: (_path, entry) => {
        if (failure || !("type" in entry) || !("linkpath" in entry)) return false;
        const readEntry = entry as ReadEntry;
        const problem = rules.problem(readEntry);
        if (problem) {
          fail(refusal(label, problem));
          return false;
        }
        if (readEntry.mode !== undefined) readEntry.mode &= 0o777;
        return true;
      },
    });
    const settle = () => {
      if (failure) return reject(failure);
      if (!done) return resolve(rules.stats);
      done().then(
        () => resolve(rules.stats),
        (error: unknown) => reject(error instanceof ArtifactError ? error : unreadable(label, error)),
      );
    };
    // After an abort tar never closes; the caller removes `dest` (with retries while writes drain).
    const failed = (error: unknown) => {
      if (!failure) fail(unreadable(label, error));
      reject(failure);
    };
    unpack.on("error", failed);
    stream.on("error", failed);
    unpack.on("close", settle);
    stream.pipe(unpack);
  });
}
