import type { Artifacts } from "../config/schema/artifacts.js";
import type { ReleaseAsset } from "./release.js";
import { type ExpectedDigest, releaseTrust, type TrustedAsset } from "./trust.js";

export type { ExpectedDigest } from "./trust.js";

export type PlannedAsset = TrustedAsset<ReleaseAsset>;

export type Selection = { ok: true; assets: PlannedAsset[] } | { ok: false; reason: string };

/**
 * The assets to deploy, each paired with the digests it must match, under the one trust rule the App applies
 * too (trust.ts). `checksumText` is the checksum file's content, undefined when it was not (yet) downloaded.
 */
export function selectAssets(
  assets: readonly ReleaseAsset[],
  artifacts: Artifacts,
  checksumText: string | undefined,
): Selection {
  const verdict = releaseTrust(assets, artifacts, checksumText);
  if (!verdict.ok) return { ok: false, reason: verdict.problems.join("\n") };
  return { ok: true, assets: verdict.assets };
}

/** The first expected digest a downloaded file does not match, as a refusal message. */
export function digestMismatch(planned: PlannedAsset, actual: string): string | undefined {
  const wrong = planned.expected.find((e: ExpectedDigest) => e.sha256 !== actual);
  if (!wrong) return undefined;
  return `${planned.asset.name}: sha256 ${actual} does not match the ${wrong.source} (${wrong.sha256}). The asset was changed or damaged after CI built it; nothing was deployed. Rebuild and re-publish the release.`;
}
