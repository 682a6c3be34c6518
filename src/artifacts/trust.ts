// Which release assets may be deployed, and which digests each must match: ONE rule, pure (no I/O), called by
// the Action before it downloads anything (select.ts) and by the App when a release is published
// (pipeline/deployable.ts). docs/action.md ("Which assets are trusted") and the schema describe the same rule.
import { matchesGlob } from "../config/match.js";
import { githubDigest, parseChecksums } from "./checksums.js";

/** The fields of a release asset the rule reads (the App's and the Action's asset types both have them). */
export interface TrustAsset {
  name: string;
  /** "uploaded" or "open" (an upload in progress); absent counts as uploaded. */
  state?: string | null;
  /** GitHub's asset digest, "sha256:<hex>". */
  digest?: string | null;
  uploader?: { login: string; type?: string | null } | null;
}

/** The `artifacts` config fields the rule reads. */
export interface TrustRules {
  assets: readonly string[];
  checksums?: string | undefined;
  digests: boolean;
  uploaders: readonly string[];
}

/** A digest an asset must have, and who vouches for it. */
export interface ExpectedDigest {
  sha256: string;
  source: "checksum file" | "GitHub digest";
}

export interface TrustedAsset<A> {
  asset: A;
  /** Every digest known for the asset; the downloaded bytes must match all of them (at least one). */
  expected: ExpectedDigest[];
}

export interface TrustVerdict<A> {
  ok: boolean;
  /** The assets to deploy, in config order (also when not ok: what would have been deployed). */
  assets: TrustedAsset<A>[];
  /** The configured checksum file, when attached. */
  checksumFile?: A;
  /** Every reason the release is refused, in Markdown (inline code for names). */
  problems: string[];
}

/** A CI uploader: a GitHub App or bot account (github-actions[bot]), or a login listed in artifacts.uploaders. */
export function isTrustedUploader(asset: TrustAsset, allowed: readonly string[]): boolean {
  const who = asset.uploader;
  if (!who) return false;
  return who.type === "Bot" || who.login.endsWith("[bot]") || allowed.includes(who.login);
}

function uploaderProblem(asset: TrustAsset, rules: TrustRules): string | undefined {
  if (isTrustedUploader(asset, rules.uploaders)) return undefined;
  const who = asset.uploader
    ? `${asset.uploader.login} (${asset.uploader.type === "User" ? "a person" : (asset.uploader.type ?? "unknown type")})`
    : "an unknown account (GitHub names no uploader)";
  return `\`${asset.name}\` was uploaded by ${who}, not by CI. Only what CI uploads is deployed: publish it from a workflow (github-actions[bot]) or list the uploader in \`artifacts.uploaders\`.`;
}

/**
 * The rule:
 * 1. every `artifacts.assets` glob matches at least one uploaded asset (the checksum file is never deployed);
 * 2. every deployed asset, and the checksum file, was uploaded by CI (a bot or App, or a listed login); an
 *    asset whose uploader GitHub does not name is refused;
 * 3. with `artifacts.checksums` set, that file must be attached and must list every deployed asset (its sum
 *    must then match the downloaded bytes); GitHub's digest, when `artifacts.digests` is on and GitHub has one,
 *    must match as well; it never stands in for a missing line of the checksum file;
 * 4. without a checksum file, every deployed asset needs GitHub's sha256 digest (`artifacts.digests` on).
 *
 * `checksumText` is the checksum file's content. The Action always passes it; the App may pass undefined when it
 * has not downloaded the file, and then everything but the file's lines is checked.
 */
export function releaseTrust<A extends TrustAsset>(
  assets: readonly A[],
  rules: TrustRules,
  checksumText: string | undefined,
): TrustVerdict<A> {
  const problems: string[] = [];
  const uploaded = assets.filter((a) => (a.state ?? "uploaded") === "uploaded");
  const candidates = uploaded.filter((a) => a.name !== rules.checksums);
  const chosen: A[] = [];
  for (const glob of rules.assets) {
    const matched = candidates.filter((a) => matchesGlob(glob, a.name));
    if (matched.length === 0) {
      const names = candidates.map((a) => `\`${a.name}\``).join(", ") || "none";
      problems.push(
        `No release asset matches \`${glob}\` (assets: ${names}). Attach the CI build output to the release, or fix \`artifacts.assets\`.`,
      );
    }
    for (const a of matched) if (!chosen.includes(a)) chosen.push(a);
  }

  const file = rules.checksums;
  const checksumFile = file ? uploaded.find((a) => a.name === file) : undefined;
  if (file && !checksumFile)
    problems.push(
      `The checksum file \`${file}\` is not attached to the release. Publish it with the assets from CI (\`sha256sum ${rules.assets.join(" ")} > ${file}\`), or remove \`artifacts.checksums\`.`,
    );
  const parsed = checksumFile && checksumText !== undefined ? parseChecksums(checksumText) : undefined;
  if (parsed?.conflicts.length)
    problems.push(
      `\`${file}\` lists ${parsed.conflicts.map((n) => `\`${n}\``).join(", ")} twice with different sums; nobody can tell which is right. Regenerate it.`,
    );

  const out: TrustedAsset<A>[] = [];
  for (const asset of chosen) {
    const expected: ExpectedDigest[] = [];
    const listed = parsed?.sums.get(asset.name);
    if (listed) expected.push({ sha256: listed, source: "checksum file" });
    else if (parsed)
      problems.push(
        `\`${file}\` has no checksum for \`${asset.name}\`: a configured checksum file must cover every deployed asset. Regenerate \`${file}\` over every deployed asset.`,
      );
    const digest = rules.digests ? githubDigest(asset.digest) : undefined;
    if (digest) expected.push({ sha256: digest, source: "GitHub digest" });
    // GitHub's digest is of the bytes it stores: a checksum line that differs can never match them.
    if (listed && digest && listed !== digest)
      problems.push(
        `\`${file}\` gives \`${asset.name}\` the sha256 ${listed}, but GitHub's digest of the uploaded bytes is ${digest}: the asset or the checksum file was changed after CI built them. Rebuild and re-publish the release.`,
      );
    if (!file && !digest)
      problems.push(
        rules.digests
          ? `Nothing covers \`${asset.name}\` with a checksum: GitHub has no sha256 digest for it. Publish a checksum file with the release and set \`artifacts.checksums\`.`
          : `Nothing covers \`${asset.name}\` with a checksum: \`artifacts.digests\` is off and no \`artifacts.checksums\` file is configured.`,
      );
    out.push({ asset, expected });
  }
  for (const a of checksumFile ? [...chosen, checksumFile] : chosen) {
    const problem = uploaderProblem(a, rules);
    if (problem) problems.push(problem);
  }
  return {
    ok: problems.length === 0,
    assets: out,
    ...(checksumFile ? { checksumFile } : {}),
    problems,
  };
}

/** What the build-provenance check (provenance.ts) found for one deployed asset or the checksum file. */
export interface ProvenanceFinding {
  name: string;
  ok: boolean;
  /** Markdown: who built it, or what was found instead ("no attestation", "signed by workflow X at ..."). */
  detail: string;
}

/** The `artifacts.provenance` fields the rule reads. */
export interface ProvenanceRules {
  provenance?: { workflow: string; mode: "required" | "optional" } | undefined;
}

/**
 * The provenance rule, the same for the App (at publish) and the Action (after download, before anything is
 * installed): with `artifacts.provenance` set, every deployed asset and the checksum file carry a valid
 * attestation by that workflow at the release's commit. `required` makes every other finding a refusal,
 * `optional` a warning.
 */
export function provenanceVerdict(
  rules: ProvenanceRules,
  findings: readonly ProvenanceFinding[],
): { problems: string[]; warnings: string[] } {
  const wanted = rules.provenance;
  if (!wanted) return { problems: [], warnings: [] };
  const lines = findings
    .filter((f) => !f.ok)
    .map((f) => `\`${f.name}\` has no valid build provenance from \`${wanted.workflow}\`: ${f.detail}.`);
  return wanted.mode === "required"
    ? { problems: lines, warnings: [] }
    : {
        problems: [],
        warnings: lines.map((l) => `${l} Deployed anyway: \`artifacts.provenance.mode\` is optional.`),
      };
}
