import {
  isTrustedUploader,
  type ProvenanceFinding,
  provenanceVerdict,
  releaseTrust,
} from "../artifacts/trust.js";
import type { Pipeline } from "../config/types.js";
import type { Release, ReleaseAsset } from "./types.js";

export { isTrustedUploader };

export interface Deployability {
  ok: boolean;
  /** Assets that will be deployed, in config order. */
  assets: ReleaseAsset[];
  problems: string[];
  /** Findings that do not refuse the release (`artifacts.provenance.mode: optional`). */
  warnings: string[];
}

/**
 * Is this release deployable under the pipeline's artifact rules? The same rule the Action applies before it
 * downloads anything (artifacts/trust.ts): every glob matches an uploaded asset, CI uploaded every deployed asset
 * and the checksum file, a configured checksum file is attached and lists every deployed asset, and without one
 * GitHub's sha256 digest covers each, and with `artifacts.provenance` every one carries a valid attestation by
 * the named workflow at the release's commit. `checksumText` is the checksum file's content when the shell downloaded
 * it; undefined checks everything but its lines (the deploy job checks those, and every hash, again).
 */
export function checkDeployable(
  pipeline: Pipeline,
  release: Release,
  checksumText?: string,
  /** With `artifacts.provenance`: what the shell's provenance check found (github/attestations.ts). */
  provenance: readonly ProvenanceFinding[] = [],
): Deployability {
  const verdict = releaseTrust(release.assets, pipeline.artifacts, checksumText);
  const proven = provenanceVerdict(pipeline.artifacts, provenance);
  const problems = [...verdict.problems, ...proven.problems];
  return {
    ok: problems.length === 0,
    assets: verdict.assets.map((a) => a.asset),
    problems,
    warnings: proven.warnings,
  };
}
