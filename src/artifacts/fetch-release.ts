import { createHash } from "node:crypto";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseDuration } from "../config/duration.js";
import type { Artifacts } from "../config/schema/artifacts.js";
import { githubDigest } from "./checksums.js";
import { downloadAsset, type Fetch } from "./download.js";
import { ArtifactError } from "./errors.js";
import { extractArtifact, findEscapingLink } from "./extract.js";
import type { NamedTrustedRoot } from "./provenance.js";
import { enforceProvenance } from "./provenance-fetch.js";
import type { ReleaseAsset, ReleaseInfo } from "./release.js";
import { digestMismatch, selectAssets } from "./select.js";

/** Where asset bytes come from: the REST API of github.com or a GitHub Enterprise Server (GITHUB_API_URL). */
export interface AssetEndpoint {
  apiUrl: string;
  /** owner/name */
  repository: string;
  token?: string;
  fetch: Fetch;
}

export interface LocalArtifact {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
}

/** A release's assets on disk, each verified against every digest known for it. */
export interface VerifiedRelease {
  version: string;
  /** "sha256:<hex>" over the sorted "<sha256>  <name>" lines of the deployed assets. */
  digest: string;
  files: LocalArtifact[];
}

const MAX_CHECKSUM_FILE = 1024 * 1024;

const stallMs = (artifacts: Artifacts) => parseDuration(artifacts["stall-timeout"]) ?? 60_000;

function assetUrl(endpoint: AssetEndpoint, asset: ReleaseAsset): string {
  return `${endpoint.apiUrl.replace(/\/+$/, "")}/repos/${endpoint.repository}/releases/assets/${asset.id}`;
}

function safeFileName(name: string): string {
  if (!/^[^/\\\0]+$/.test(name) || name === "." || name === "..")
    throw new ArtifactError(`release asset name "${name}" cannot be stored as a file`);
  return name;
}

export function combinedDigest(files: readonly { name: string; sha256: string }[]): string {
  const lines = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join("");
  return `sha256:${createHash("sha256").update(lines).digest("hex")}`;
}

async function fetchChecksumFile(
  endpoint: AssetEndpoint,
  release: ReleaseInfo,
  artifacts: Artifacts,
  dir: string,
): Promise<{ text: string; sha256: string } | undefined> {
  const asset = release.assets.find((a) => a.name === artifacts.checksums);
  if (!asset) return undefined;
  const got = await downloadAsset(endpoint.fetch, {
    url: assetUrl(endpoint, asset),
    token: endpoint.token,
    dest: join(dir, `checksums-${asset.id}`),
    expectedSize: asset.size,
    maxBytes: MAX_CHECKSUM_FILE,
    name: asset.name,
    stallMs: stallMs(artifacts),
  });
  const digest = githubDigest(asset.digest);
  if (digest && digest !== got.sha256)
    throw new ArtifactError(
      `${asset.name}: sha256 ${got.sha256} does not match GitHub's digest (${digest}); the checksum file itself was changed. Nothing was deployed.`,
    );
  return { text: await readFile(got.path, "utf8"), sha256: got.sha256 };
}

/**
 * Downloads the assets of a release that match `artifacts.assets` into `dir`, verifying each against the
 * checksum file and/or GitHub's digest before returning. Any refusal throws an ArtifactError. `dir` is emptied
 * first: a work directory left by an earlier run is never trusted.
 */
export async function fetchVerifiedRelease(
  endpoint: AssetEndpoint,
  release: ReleaseInfo,
  artifacts: Artifacts,
  dir: string,
  log: (line: string) => void = () => undefined,
  /** Extra trusted roots for `artifacts.provenance`, and where its optional-mode warnings go. */
  provenance: { roots?: NamedTrustedRoot[]; warn?: (line: string) => void } = {},
): Promise<VerifiedRelease> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // The rule first on what GitHub says (names, uploaders, digests), so a refused release downloads nothing;
  // then again with the checksum file's lines.
  const early = selectAssets(release.assets, artifacts, undefined);
  if (!early.ok) throw new ArtifactError(`${release.tag_name}: ${early.reason}`);
  const sumsFile = artifacts.checksums
    ? await fetchChecksumFile(endpoint, release, artifacts, dir)
    : undefined;
  const checksums = sumsFile?.text;
  const selection = selectAssets(release.assets, artifacts, checksums);
  if (!selection.ok) throw new ArtifactError(`${release.tag_name}: ${selection.reason}`);
  const files: LocalArtifact[] = [];
  for (const planned of selection.assets) {
    const name = safeFileName(planned.asset.name);
    const got = await downloadAsset(endpoint.fetch, {
      url: assetUrl(endpoint, planned.asset),
      token: endpoint.token,
      dest: join(dir, name),
      expectedSize: planned.asset.size,
      maxBytes: artifacts["max-size"],
      name,
      stallMs: stallMs(artifacts),
    });
    const mismatch = digestMismatch(planned, got.sha256);
    if (mismatch) {
      await rm(got.path, { force: true });
      throw new ArtifactError(mismatch);
    }
    log(
      `${name}: ${got.bytes} bytes, sha256 ${got.sha256} (${planned.expected.map((e) => e.source).join(" + ")})`,
    );
    files.push({ name, path: got.path, sha256: got.sha256, bytes: got.bytes });
  }
  // Build provenance of the bytes just downloaded (and of the checksum file), before anything is unpacked.
  if (artifacts.provenance)
    await enforceProvenance(
      endpoint,
      release.tag_name,
      artifacts.provenance,
      [
        ...files,
        ...(sumsFile && artifacts.checksums ? [{ name: artifacts.checksums, sha256: sumsFile.sha256 }] : []),
      ],
      provenance.roots ?? [],
      log,
      provenance.warn ?? log,
    );
  return { version: release.tag_name, digest: combinedDigest(files), files };
}

/**
 * Unpacks verified artifacts into `dest` (archives extracted, other files copied), within one byte bound for
 * the whole release. On a refusal `dest` is removed, so nothing of the release remains anywhere.
 */
export async function unpackRelease(
  verified: VerifiedRelease,
  dest: string,
  maxBytes: number,
): Promise<string> {
  await rm(dest, { recursive: true, force: true });
  let used = 0;
  try {
    for (const file of verified.files) {
      const stats = await extractArtifact(file.path, file.name, dest, { maxBytes: maxBytes - used });
      used += stats.bytes;
    }
    const escaping = await findEscapingLink(dest);
    if (escaping)
      throw new ArtifactError(
        `${verified.version}: refused, the link ${escaping} resolves outside the release; nothing was deployed.`,
      );
    return dest;
  } catch (error) {
    // The refusal is what the user must see; removing the staging tree retries while late writes drain.
    await rm(dest, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 }).catch(() => undefined);
    throw error;
  }
}
