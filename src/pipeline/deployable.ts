import { matchesGlob } from "../config/match.js";
import type { Pipeline } from "../config/types.js";
import type { Release, ReleaseAsset } from "./types.js";

export interface Deployability {
  ok: boolean;
  /** Assets that will be deployed, in config order. */
  assets: ReleaseAsset[];
  problems: string[];
}

/** A CI uploader: a GitHub App or bot account (github-actions[bot]), or a login the config trusts. */
export function isTrustedUploader(asset: ReleaseAsset, allowed: readonly string[]): boolean {
  const who = asset.uploader;
  if (!who) return false;
  return who.type === "Bot" || who.login.endsWith("[bot]") || allowed.includes(who.login);
}

/**
 * Is this release deployable under the pipeline's artifact rules? Every glob must match an uploaded asset;
 * a checksum file or GitHub's asset digests must cover each of them; and CI, not a person, uploaded them.
 */
export function checkDeployable(pipeline: Pipeline, release: Release): Deployability {
  const rules = pipeline.artifacts;
  const uploaded = release.assets.filter((a) => a.state === "uploaded");
  const problems: string[] = [];
  const chosen: ReleaseAsset[] = [];
  for (const glob of rules.assets) {
    const matched = uploaded.filter((a) => matchesGlob(glob, a.name) && a.name !== rules.checksums);
    if (matched.length === 0) {
      const names = uploaded.map((a) => `\`${a.name}\``).join(", ") || "none";
      problems.push(
        `No release asset matches \`${glob}\` (assets: ${names}). Attach the CI build output to the release, or fix \`artifacts.assets\`.`,
      );
    }
    for (const a of matched) if (!chosen.includes(a)) chosen.push(a);
  }
  const checksumFile = rules.checksums ? uploaded.find((a) => a.name === rules.checksums) : undefined;
  if (rules.checksums && !checksumFile && !rules.digests) {
    problems.push(`The checksum file \`${rules.checksums}\` is not attached to the release.`);
  }
  if (!checksumFile) {
    const uncovered = chosen.filter((a) => !(rules.digests && a.digest?.startsWith("sha256:")));
    if (uncovered.length > 0) {
      const names = uncovered.map((a) => `\`${a.name}\``).join(", ");
      problems.push(
        rules.checksums
          ? `The checksum file \`${rules.checksums}\` is missing and GitHub has no sha256 digest for ${names}.`
          : `Nothing covers ${names} with a checksum: attach a checksum file and set \`artifacts.checksums\`, or enable \`artifacts.digests\`.`,
      );
    }
  }
  for (const a of checksumFile ? [...chosen, checksumFile] : chosen) {
    if (!isTrustedUploader(a, rules.uploaders)) {
      const who = a.uploader
        ? `${a.uploader.login} (${a.uploader.type === "User" ? "a person" : a.uploader.type})`
        : "an unknown account";
      problems.push(
        `\`${a.name}\` was uploaded by ${who}. Only CI may upload deployable assets: publish them from a workflow (github-actions[bot]) or list the uploader in \`artifacts.uploaders\`.`,
      );
    }
  }
  return { ok: problems.length === 0, assets: chosen, problems };
}
