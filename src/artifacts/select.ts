import { matchesGlob } from "../config/match.js";
import type { Artifacts } from "../config/schema/artifacts.js";
import { githubDigest, parseChecksums } from "./checksums.js";
import type { ReleaseAsset } from "./release.js";

/** A digest an asset must have, and who vouches for it. */
export interface ExpectedDigest {
  sha256: string;
  source: "checksum file" | "GitHub digest";
}

export interface PlannedAsset {
  asset: ReleaseAsset;
  /** Every digest known for the asset; the download must match all of them. */
  expected: ExpectedDigest[];
}

export type Selection = { ok: true; assets: PlannedAsset[] } | { ok: false; reason: string };

/** The release assets to deploy: those matching `artifacts.assets`, each with at least one trusted digest. */
export function matchAssets(
  assets: readonly ReleaseAsset[],
  artifacts: Artifacts,
): { ok: true; assets: ReleaseAsset[] } | { ok: false; reason: string } {
  const candidates = assets.filter(
    (a) => a.name !== artifacts.checksums && (a.state ?? "uploaded") === "uploaded",
  );
  for (const glob of artifacts.assets) {
    if (!candidates.some((a) => matchesGlob(glob, a.name))) {
      const names = candidates.map((a) => a.name).join(", ") || "none";
      return {
        ok: false,
        reason: `no release asset matches "${glob}" (assets: ${names}). Attach the CI build to the release, or fix artifacts.assets.`,
      };
    }
  }
  return { ok: true, assets: candidates.filter((a) => artifacts.assets.some((g) => matchesGlob(g, a.name))) };
}

/** Only CI (a bot or an App) or the listed logins may have uploaded what is deployed. */
export function uploaderProblem(asset: ReleaseAsset, artifacts: Artifacts): string | undefined {
  const uploader = asset.uploader;
  if (!uploader) return undefined;
  if (uploader.type === "Bot" || artifacts.uploaders.includes(uploader.login)) return undefined;
  return `asset ${asset.name} was uploaded by ${uploader.login}, not by CI; only assets built by CI are deployed (list trusted uploaders in artifacts.uploaders).`;
}

/**
 * Pairs every asset to deploy with the digests it must match: the checksum file's entry and GitHub's digest when
 * both exist. No digest at all, or a checksum file that does not cover an asset, refuses the deploy.
 */
export function selectAssets(
  assets: readonly ReleaseAsset[],
  artifacts: Artifacts,
  checksumText: string | undefined,
): Selection {
  const matched = matchAssets(assets, artifacts);
  if (!matched.ok) return matched;
  const file = artifacts.checksums;
  const parsed = checksumText === undefined ? undefined : parseChecksums(checksumText);
  if (file && !parsed)
    return {
      ok: false,
      reason: `the release has no checksum file ${file}; publish it with the assets (sha256sum ${artifacts.assets.join(" ")} > ${file}).`,
    };
  if (parsed?.conflicts.length)
    return { ok: false, reason: `${file} lists ${parsed.conflicts.join(", ")} twice with different sums.` };
  const out: PlannedAsset[] = [];
  for (const asset of matched.assets) {
    const problem = uploaderProblem(asset, artifacts);
    if (problem) return { ok: false, reason: problem };
    const expected: ExpectedDigest[] = [];
    const listed = parsed?.sums.get(asset.name);
    if (listed) expected.push({ sha256: listed, source: "checksum file" });
    const digest = artifacts.digests ? githubDigest(asset.digest) : undefined;
    if (file && !listed && !digest)
      return {
        ok: false,
        reason: `${file} has no checksum for ${asset.name}; regenerate ${file} over every deployed asset.`,
      };
    if (digest) expected.push({ sha256: digest, source: "GitHub digest" });
    if (expected.length === 0)
      return {
        ok: false,
        reason: `no checksum for ${asset.name}: set artifacts.checksums to a checksum file published with the release.`,
      };
    out.push({ asset, expected });
  }
  return { ok: true, assets: out };
}

/** The first expected digest a downloaded file does not match, as a refusal message. */
export function digestMismatch(planned: PlannedAsset, actual: string): string | undefined {
  const wrong = planned.expected.find((e) => e.sha256 !== actual);
  if (!wrong) return undefined;
  return `${planned.asset.name}: sha256 ${actual} does not match the ${wrong.source} (${wrong.sha256}). The asset was changed or damaged after CI built it; nothing was deployed. Rebuild and re-publish the release.`;
}
