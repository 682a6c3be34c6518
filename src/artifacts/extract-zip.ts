import { createWriteStream } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { ArtifactError } from "./errors.js";
import type { ExtractLimits, ExtractStats } from "./extract-tar.js";
import { entryPathProblem, normalEntryPath, symlinkProblem } from "./safe-path.js";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET = 4096;

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, zip) =>
      error || !zip ? reject(error ?? new Error("cannot open")) : resolve(zip),
    ),
  );
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) =>
      error || !stream ? reject(error ?? new Error("cannot read entry")) : resolve(stream),
    ),
  );
}

async function readSmall(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("link target too long");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Extracts a zip with the same rules as a tarball: relative paths without `..`, symlinks that stay inside, a
 * running byte count against the bound (declared sizes are checked first, actual bytes as they are inflated),
 * and no write through a symlink the archive itself created.
 */
export async function extractZip(
  file: string,
  dest: string,
  label: string,
  limits: ExtractLimits,
): Promise<ExtractStats> {
  const refuse = (reason: string) =>
    new ArtifactError(`${label}: refused, the archive contains ${reason}; nothing was deployed.`);
  let zip: ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw new ArtifactError(
      `${label}: not a readable zip (${error instanceof Error ? error.message : error}).`,
    );
  }
  const stats: ExtractStats = { files: 0, bytes: 0 };
  const links = new Set<string>();
  const maxEntries = limits.maxEntries ?? 200_000;

  const handle = async (entry: Entry): Promise<void> => {
    const problem = entryPathProblem(entry.fileName);
    if (problem) throw refuse(`${problem} at "${entry.fileName}"`);
    const rel = normalEntryPath(entry.fileName);
    if (rel === "") return;
    for (const link of links)
      if (rel.startsWith(`${link}/`)) throw refuse(`an entry written through the symlink "${link}"`);
    if (++stats.files > maxEntries) throw refuse(`more than ${maxEntries} entries`);
    const target = join(dest, rel);
    if (entry.fileName.endsWith("/")) {
      await mkdir(target, { recursive: true });
      return;
    }
    const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
    if ((mode & S_IFMT) === S_IFLNK) {
      const linkTarget = await readSmall(await openEntry(zip, entry), MAX_LINK_TARGET);
      const linkProblem = symlinkProblem(rel, linkTarget);
      if (linkProblem) throw refuse(`${linkProblem} at "${entry.fileName}"`);
      await mkdir(dirname(target), { recursive: true });
      await symlink(linkTarget, target);
      links.add(rel);
      return;
    }
    if (stats.bytes + entry.uncompressedSize > limits.maxBytes)
      throw refuse(`more than ${limits.maxBytes} bytes once extracted (artifacts.max-size)`);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        stats.bytes += chunk.length;
        if (stats.bytes > limits.maxBytes)
          done(refuse(`more than ${limits.maxBytes} bytes once extracted (artifacts.max-size)`));
        else done(null, chunk);
      },
    });
    await mkdir(dirname(target), { recursive: true });
    const fileMode = mode & 0o777 || 0o644;
    await pipeline(
      await openEntry(zip, entry),
      meter,
      createWriteStream(target, { flags: "wx", mode: fileMode }),
    );
  };

  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(
        error instanceof ArtifactError
          ? error
          : refuse(`an entry that cannot be read safely (${error instanceof Error ? error.message : error})`),
      );
    };
    zip.on("entry", (entry: Entry) => {
      handle(entry).then(() => zip.readEntry(), fail);
    });
    zip.on("error", fail);
    zip.on("end", () => {
      if (!failed) resolve(stats);
    });
    zip.readEntry();
  });
}
