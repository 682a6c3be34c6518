// The Action's side of build provenance: read the attestations GitHub holds for each downloaded file's digest and
// the commit of the release's tag over REST (the job token needs `attestations: read`), then apply the one rule.
import type { Provenance } from "../config/schema/provenance.js";
import { ArtifactError } from "./errors.js";
import type { AssetEndpoint } from "./fetch-release.js";
import { type AttestationLookup, checkProvenance, type NamedTrustedRoot } from "./provenance.js";
import { PUBLIC_GOOD_ROOT } from "./provenance-roots.js";
import { provenanceVerdict } from "./trust.js";

/** The repository's web URL from the REST API URL: api.github.com -> github.com, GHES /api/v3 -> the host. */
export function repositoryWebUrl(apiUrl: string, repository: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return `https://github.com/${repository}`;
  if (/^api\.[^.]+\.ghe\.com$/.test(url.hostname)) return `https://${url.hostname.slice(4)}/${repository}`;
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v3$/, "");
  return `${url.origin}${path}/${repository}`;
}

async function getJson(endpoint: AssetEndpoint, path: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    "user-agent": "shipline",
  };
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  const base = `${endpoint.apiUrl.replace(/\/+$/, "")}/repos/${endpoint.repository}`;
  const response = await endpoint.fetch(`${base}${path}`, { headers });
  const body = response.ok ? await response.json() : await response.body?.cancel();
  return { status: response.status, body };
}

/** GET /repos/{owner}/{repo}/attestations/sha256:{hex}: the bundles, [] on 404 (GitHub has none). */
export function attestationLookup(endpoint: AssetEndpoint): AttestationLookup {
  return async (sha256) => {
    const { status, body } = await getJson(
      endpoint,
      `/attestations/sha256:${sha256}?predicate_type=provenance&per_page=100`,
    );
    if (status === 404) return [];
    if (status !== 200)
      throw new ArtifactError(
        `reading the attestations of sha256 ${sha256} failed: HTTP ${status}${status === 403 ? " (the job token needs `permissions: attestations: read`)" : ""}; nothing was deployed.`,
      );
    const list = (body as { attestations?: { bundle?: unknown }[] } | undefined)?.attestations ?? [];
    return list.map((a) => a.bundle).filter((b) => b !== undefined && b !== null);
  };
}

/** The commit a tag points at (following an annotated tag). */
export async function tagCommit(endpoint: AssetEndpoint, tag: string): Promise<string> {
  const ref = await getJson(endpoint, `/git/ref/tags/${encodeURIComponent(tag)}`);
  const object = (ref.body as { object?: { type?: string; sha?: string } } | undefined)?.object;
  if (ref.status !== 200 || !object?.sha)
    throw new ArtifactError(
      `reading the commit of tag ${tag} failed: HTTP ${ref.status}; build provenance cannot be checked, nothing was deployed.`,
    );
  if (object.type !== "tag") return object.sha;
  const annotated = await getJson(endpoint, `/git/tags/${object.sha}`);
  const sha = (annotated.body as { object?: { sha?: string } } | undefined)?.object?.sha;
  if (annotated.status !== 200 || !sha)
    throw new ArtifactError(`reading the tag object of ${tag} failed: HTTP ${annotated.status}`);
  return sha;
}

/**
 * Checks every downloaded file (assets and the checksum file) against `artifacts.provenance`; throws the
 * refusal (required), or reports each finding through `warn` (optional). Runs before anything is unpacked.
 */
export async function enforceProvenance(
  endpoint: AssetEndpoint,
  tag: string,
  provenance: Provenance,
  subjects: readonly { name: string; sha256: string }[],
  extraRoots: readonly NamedTrustedRoot[],
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const commit = await tagCommit(endpoint, tag);
  const expect = {
    repositoryUrl: repositoryWebUrl(endpoint.apiUrl, endpoint.repository),
    commit,
    workflow: provenance.workflow,
  };
  const findings = await checkProvenance(subjects, attestationLookup(endpoint), expect, [
    PUBLIC_GOOD_ROOT,
    ...extraRoots,
  ]);
  for (const f of findings) if (f.ok) log(`${f.name}: provenance verified, ${f.detail}`);
  const verdict = provenanceVerdict({ provenance }, findings);
  for (const w of verdict.warnings) warn(w);
  if (verdict.problems.length)
    throw new ArtifactError(`${tag}: refused, nothing was deployed.\n${verdict.problems.join("\n")}`);
}
