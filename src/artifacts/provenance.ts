// Build provenance: is this GitHub artifact attestation (a Sigstore bundle from actions/attest-build-provenance)
// genuine, about these bytes, and made by the named workflow of this repository at the release's commit?
// Verified offline with the library npm uses for its own provenance (@sigstore/verify) against trusted roots
// handed in as data; the attestations API's word (which repository, which workflow) is never taken on its own.
import { bundleFromJSON } from "@sigstore/bundle";
import { X509Certificate } from "@sigstore/core";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, type VerifierOptions } from "@sigstore/verify";
import type { ProvenanceFinding } from "./trust.js";

/** What the attestation must say: built from `repositoryUrl` at `commit` by `workflow`. */
export interface ProvenanceExpectation {
  /** The repository's web URL, e.g. https://github.com/acme/web (the certificate's source repository URI). */
  repositoryUrl: string;
  /** The release's commit (full sha). */
  commit: string;
  /** A workflow file of the repository, e.g. .github/workflows/release.yml. */
  workflow: string;
}

/** A trusted_root.json (application/vnd.dev.sigstore.trustedroot+json), with a name for messages. */
export interface NamedTrustedRoot {
  name: string;
  json: unknown;
  /**
   * Evidence a bundle must carry besides one verified timestamp (a log's integrated time or a timestamp
   * authority's): a transparency-log entry, an SCT in the certificate. Default none, as for GitHub's own root,
   * which timestamps with its TSA; every log entry a bundle carries is verified all the same.
   */
  require?: { tlog?: boolean; sct?: boolean };
}

/** Who signed an attestation, from the GitHub extensions of its Fulcio certificate. */
export interface AttestationSigner {
  issuer: string;
  repositoryUrl: string;
  commit: string;
  /** The workflow file the build config URI names (path within its repository), or the whole URI. */
  workflow: string;
  ref: string;
  buildConfigUri: string;
}

export type AttestationFinding =
  | { verdict: "valid"; signer: AttestationSigner }
  | { verdict: "other-build"; signer: AttestationSigner; mismatch: string[] }
  | { verdict: "other-subject"; signer: AttestationSigner }
  | { verdict: "invalid"; reason: string };

export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** Fulcio's certificate extensions for GitHub Actions identities (OID 1.3.6.1.4.1.57264.1.*). */
export const FULCIO_OID = {
  issuer: "1.3.6.1.4.1.57264.1.8",
  buildSignerUri: "1.3.6.1.4.1.57264.1.9",
  sourceRepositoryUri: "1.3.6.1.4.1.57264.1.12",
  sourceRepositoryDigest: "1.3.6.1.4.1.57264.1.13",
  sourceRepositoryRef: "1.3.6.1.4.1.57264.1.14",
  buildConfigUri: "1.3.6.1.4.1.57264.1.18",
} as const;

interface PreparedRoot {
  name: string;
  verifier: Verifier;
}

/** Verifiers, one per trusted root, each with the evidence its root requires (NamedTrustedRoot.require). */
export function prepareRoots(roots: readonly NamedTrustedRoot[]): PreparedRoot[] {
  return roots.map(({ name, json, require }) => {
    let root: TrustedRoot;
    try {
      root = TrustedRoot.fromJSON(json);
    } catch (error) {
      throw new Error(`the trusted root ${name} is not a Sigstore trusted_root.json: ${message(error)}`);
    }
    if (root.certificateAuthorities.length === 0)
      throw new Error(`the trusted root ${name} lists no certificate authority`);
    const options: VerifierOptions = {
      tlogThreshold: require?.tlog ? 1 : 0,
      ctlogThreshold: require?.sct ? 1 : 0,
      timestampThreshold: 1,
    };
    return { name, verifier: new Verifier(toTrustMaterial(root), options) };
  });
}

function message(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } } | undefined;
  const main = e?.message ?? String(error);
  return e?.cause?.message ? `${main} (${e.cause.message})` : main;
}

function extensionText(cert: X509Certificate, oid: string): string {
  const raw = cert.extension(oid)?.value;
  if (!raw) return "";
  // Fulcio's newer extensions (…57264.1.8 and up) hold a DER UTF8String; the legacy ones the raw text.
  if (raw[0] !== 0x0c || raw.length < 2) return raw.toString("utf8");
  const first = raw[1]!;
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  const length = lengthBytes ? raw.subarray(2, 2 + lengthBytes).reduce((n, b) => n * 256 + b, 0) : first;
  const start = 2 + lengthBytes;
  return raw.subarray(start, start + length).toString("utf8");
}

/** The workflow path a build config URI names: https://github.com/o/r/.github/workflows/x.yml@refs/tags/v1. */
function workflowOf(buildConfigUri: string, repositoryUrl: string): string {
  const at = buildConfigUri.lastIndexOf("@");
  const noRef = at >= 0 ? buildConfigUri.slice(0, at) : buildConfigUri;
  const prefix = `${repositoryUrl}/`;
  return noRef.toLowerCase().startsWith(prefix.toLowerCase()) ? noRef.slice(prefix.length) : noRef;
}

function signerOf(cert: X509Certificate): AttestationSigner {
  const repositoryUrl = extensionText(cert, FULCIO_OID.sourceRepositoryUri);
  const buildConfigUri = extensionText(cert, FULCIO_OID.buildConfigUri);
  return {
    issuer: extensionText(cert, FULCIO_OID.issuer),
    repositoryUrl,
    commit: extensionText(cert, FULCIO_OID.sourceRepositoryDigest),
    ref: extensionText(cert, FULCIO_OID.sourceRepositoryRef),
    buildConfigUri,
    workflow: workflowOf(buildConfigUri, repositoryUrl),
  };
}

function leafCertificate(bundle: ReturnType<typeof bundleFromJSON>): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  if (content.$case === "certificate")
    return X509Certificate.parse(Buffer.from(content.certificate.rawBytes));
  if (content.$case === "x509CertificateChain") {
    const first = content.x509CertificateChain.certificates[0];
    return first ? X509Certificate.parse(Buffer.from(first.rawBytes)) : undefined;
  }
  return undefined;
}

const norm = (s: string) => s.replace(/\/+$/, "").toLowerCase();

/** The ways a genuine signer differs from the expectation, as "what it says, expected what" phrases. */
function mismatches(signer: AttestationSigner, expect: ProvenanceExpectation): string[] {
  const out: string[] = [];
  if (signer.issuer !== GITHUB_ACTIONS_ISSUER)
    out.push(`issued to ${signer.issuer || "an unknown issuer"}, not a GitHub Actions workflow`);
  if (norm(signer.repositoryUrl) !== norm(expect.repositoryUrl))
    out.push(`built in ${signer.repositoryUrl || "an unnamed repository"}, expected ${expect.repositoryUrl}`);
  if (signer.commit.toLowerCase() !== expect.commit.toLowerCase())
    out.push(`built at commit ${signer.commit || "(none)"}, expected ${expect.commit}`);
  if (signer.workflow !== expect.workflow)
    out.push(`built by workflow ${signer.workflow || "(none)"}, expected ${expect.workflow}`);
  return out;
}

interface Statement {
  subject?: { name?: string; digest?: Record<string, string> }[];
  predicateType?: string;
}

/**
 * One attestation against one asset digest. "valid" only when the bundle verifies against a trusted root,
 * its in-toto statement is SLSA provenance naming `sha256` as a subject, and the certificate's GitHub
 * extensions name the expected repository, commit and workflow.
 */
export function verifyAttestation(
  bundleJson: unknown,
  sha256: string,
  expect: ProvenanceExpectation,
  roots: readonly PreparedRoot[],
): AttestationFinding {
  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (error) {
    return { verdict: "invalid", reason: `not a Sigstore bundle (${message(error)})` };
  }
  if (bundle.content.$case !== "dsseEnvelope")
    return { verdict: "invalid", reason: "a message signature, not an in-toto attestation" };
  const errors: string[] = [];
  let verified = false;
  for (const root of roots) {
    try {
      root.verifier.verify(toSignedEntity(bundle));
      verified = true;
      break;
    } catch (error) {
      errors.push(`${root.name}: ${message(error)}`);
    }
  }
  if (!verified)
    return {
      verdict: "invalid",
      reason: `its signature does not verify (${errors.join("; ") || "no trusted root"})`,
    };
  const cert = leafCertificate(bundle);
  if (!cert) return { verdict: "invalid", reason: "signed by a key, not a Fulcio certificate" };
  const signer = signerOf(cert);
  const envelope = bundle.content.dsseEnvelope;
  let statement: Statement;
  try {
    statement = JSON.parse(envelope.payload.toString("utf8")) as Statement;
  } catch {
    return { verdict: "invalid", reason: "its signed payload is not JSON" };
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE || statement.predicateType !== SLSA_PROVENANCE_V1)
    return {
      verdict: "invalid",
      reason: `not SLSA build provenance (payload ${envelope.payloadType}, predicate ${statement.predicateType ?? "none"})`,
    };
  const covers = (statement.subject ?? []).some(
    (s) => s.digest?.sha256?.toLowerCase() === sha256.toLowerCase(),
  );
  if (!covers) return { verdict: "other-subject", signer };
  const mismatch = mismatches(signer, expect);
  return mismatch.length ? { verdict: "other-build", signer, mismatch } : { verdict: "valid", signer };
}

/** The verdict on one asset: every attestation GitHub returned for its digest, weighed together. */
export interface AssetProvenance extends ProvenanceFinding {
  sha256: string;
}

/** An asset is proven when at least one of its attestations is valid; otherwise every finding is named. */
export function assetProvenance(
  asset: { name: string; sha256: string },
  bundles: readonly unknown[],
  expect: ProvenanceExpectation,
  roots: readonly PreparedRoot[],
): AssetProvenance {
  const findings = bundles.map((b) => verifyAttestation(b, asset.sha256, expect, roots));
  const valid = findings.find((f) => f.verdict === "valid");
  if (valid && valid.verdict === "valid")
    return {
      ...asset,
      ok: true,
      detail: `built by \`${valid.signer.workflow}\` at ${valid.signer.commit.slice(0, 12)} (${valid.signer.ref})`,
    };
  if (findings.length === 0)
    return {
      ...asset,
      ok: false,
      detail: `no attestation for sha256 ${asset.sha256}: attest it in \`${expect.workflow}\` with actions/attest-build-provenance`,
    };
  const said = findings.map((f) => {
    switch (f.verdict) {
      case "other-build":
        return `an attestation signed by workflow \`${f.signer.workflow}\` of ${f.signer.repositoryUrl} at commit ${f.signer.commit} (${f.mismatch.join("; ")})`;
      case "other-subject":
        return `an attestation by \`${f.signer.workflow}\` that does not name sha256 ${asset.sha256}`;
      case "invalid":
        return `an attestation that is not valid: ${f.reason}`;
      default:
        return "an attestation";
    }
  });
  return {
    ...asset,
    ok: false,
    detail: `found ${said.join("; ")}; expected \`${expect.workflow}\` of ${expect.repositoryUrl} at commit ${expect.commit}`,
  };
}

/** Reads the attestation bundles GitHub holds for a sha256 (hex), [] when it has none. */
export type AttestationLookup = (sha256: string) => Promise<unknown[]>;

/**
 * Every subject's provenance: its attestations read through `lookup` (the attestations API), each bundle
 * verified here. A subject is looked up once per digest.
 */
export async function checkProvenance(
  subjects: readonly { name: string; sha256: string }[],
  lookup: AttestationLookup,
  expect: ProvenanceExpectation,
  roots: readonly NamedTrustedRoot[],
): Promise<AssetProvenance[]> {
  const prepared = prepareRoots(roots);
  const seen = new Map<string, Promise<unknown[]>>();
  const out: AssetProvenance[] = [];
  for (const subject of subjects) {
    const key = subject.sha256.toLowerCase();
    if (!seen.has(key)) seen.set(key, lookup(key));
    out.push(assetProvenance(subject, await seen.get(key)!, expect, prepared));
  }
  return out;
}

/** A trusted_root.json's text as a root, or an Error that says which file and why. */
export function parseTrustedRoot(name: string, text: string): NamedTrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`the trusted root ${name} is not JSON: ${message(error)}`);
  }
  prepareRoots([{ name, json }]);
  return { name, json };
}
