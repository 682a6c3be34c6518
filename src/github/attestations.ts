// The App's side of build provenance at publish: the digests of what would be deployed (and of the checksum
// file), their attestations read through the gateway, verified by the one check the Action runs too.
import { createHash } from "node:crypto";
import { githubDigest } from "../artifacts/checksums.js";
import { checkProvenance, type NamedTrustedRoot, parseTrustedRoot } from "../artifacts/provenance.js";
import { PUBLIC_GOOD_ROOT } from "../artifacts/provenance-roots.js";
import { type ProvenanceFinding, releaseTrust } from "../artifacts/trust.js";
import { pipelineForTag } from "../config/index.js";
import type { ConfigResult } from "../config/types.js";
import type { Release } from "../pipeline/types.js";
import { statusOf } from "./client.js";
import type { GitHubGateway } from "./gateway.js";

type Reader = Pick<GitHubGateway, "attestations" | "readFile">;

/**
 * The provenance findings for a published release, or undefined when its pipeline sets no
 * `artifacts.provenance`. `repositoryUrl` is the repository's web URL (the webhook's repository.html_url).
 */
export async function releaseProvenance(
  gw: Reader,
  config: ConfigResult,
  release: Release,
  checksumText: string | undefined,
  repositoryUrl: string,
): Promise<ProvenanceFinding[] | undefined> {
  if (!config.ok || release.draft) return undefined;
  const artifacts = pipelineForTag(config.config, release.tag)?.artifacts;
  const provenance = artifacts?.provenance;
  if (!artifacts || !provenance) return undefined;
  const verdict = releaseTrust(release.assets, artifacts, checksumText);
  const subjects: { name: string; sha256?: string | undefined }[] = verdict.assets.map((a) => ({
    name: a.asset.name,
    sha256: a.expected[0]?.sha256,
  }));
  if (verdict.checksumFile)
    subjects.push({
      name: verdict.checksumFile.name,
      sha256:
        githubDigest(verdict.checksumFile.digest) ??
        (checksumText === undefined ? undefined : createHash("sha256").update(checksumText).digest("hex")),
    });
  const known = subjects.filter((s): s is { name: string; sha256: string } => s.sha256 !== undefined);
  const unknown: ProvenanceFinding[] = subjects
    .filter((s) => s.sha256 === undefined)
    .map((s) => ({
      name: s.name,
      ok: false,
      detail: "no sha256 is known for it to look its attestation up by",
    }));
  let roots: NamedTrustedRoot[] = [PUBLIC_GOOD_ROOT];
  const rootPath = provenance["trusted-root"];
  if (rootPath) {
    const text = await gw.readFile(rootPath, release.tag);
    const failed = (detail: string) => [
      ...unknown,
      ...known.map((s) => ({ name: s.name, ok: false, detail })),
    ];
    if (text === undefined)
      return failed(`the trusted root \`${rootPath}\` is not in the repository at ${release.tag}`);
    try {
      roots = [...roots, parseTrustedRoot(rootPath, text)];
    } catch (error) {
      return failed((error as Error).message);
    }
  }
  const expect = { repositoryUrl, commit: release.sha, workflow: provenance.workflow };
  // A failed read (403 without the Attestations permission) refuses the asset with the reason, not the event.
  const failures = new Map<string, string>();
  const lookup = (sha: string) =>
    gw.attestations(sha).catch((error: unknown) => {
      const status = statusOf(error);
      failures.set(
        sha,
        `reading its attestations failed: ${status ? `HTTP ${status}` : String(error)}${status === 403 ? " (the App needs the Attestations read permission)" : ""}`,
      );
      return [];
    });
  const found = await checkProvenance(known, lookup, expect, roots);
  return [
    ...unknown,
    ...found.map((f) => {
      const failure = failures.get(f.sha256.toLowerCase());
      return failure ? { ...f, ok: false, detail: failure } : f;
    }),
  ];
}
