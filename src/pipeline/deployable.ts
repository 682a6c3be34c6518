import { isTrustedUploader, releaseTrust } from "../artifacts/trust.js";
import type { Pipeline } from "../config/types.js";
import type { Release, ReleaseAsset } from "./types.js";

export { isTrustedUploader };

export interface Deployability {
  ok: boolean;
  /** Assets that will be deployed, in config order. */
  assets: ReleaseAsset[];
  problems: string[];
}

/**
 * Is this release deployable under the pipeline's artifact rules? The same rule the Action applies before it
 * downloads anything (artifacts/trust.ts): every glob matches an uploaded asset, CI uploaded every deployed asset
 * and the checksum file, a configured checksum file is attached and lists every deployed asset, and without one
 * GitHub's sha256 digest covers each. `checksumText` is the checksum file's content when the shell downloaded
 * it; undefined checks everything but its lines (the deploy job checks those, and every hash, again).
 */
export function checkDeployable(pipeline: Pipeline, release: Release, checksumText?: string): Deployability {
  const verdict = releaseTrust(release.assets, pipeline.artifacts, checksumText);
  return { ok: verdict.ok, assets: verdict.assets.map((a) => a.asset), problems: verdict.problems };
}
