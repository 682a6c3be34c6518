import { describe, expect, it } from "vitest";
import {
  assetProvenance,
  checkProvenance,
  parseTrustedRoot,
  prepareRoots,
  verifyAttestation,
} from "../../src/artifacts/provenance.js";
import { attestationLookup, repositoryWebUrl, tagCommit } from "../../src/artifacts/provenance-fetch.js";
import { PUBLIC_GOOD_ROOT } from "../../src/artifacts/provenance-roots.js";
import { provenanceVerdict } from "../../src/artifacts/trust.js";
import { parseConfig } from "../../src/config/index.js";
import { testSigstore } from "../fixtures/provenance/signer.js";

const sigstore = testSigstore();
const SHA = "ab".repeat(32);
const COMMIT = "c0ffee".padEnd(40, "1");
const expected = {
  repositoryUrl: "https://github.com/acme/shop",
  commit: COMMIT,
  workflow: ".github/workflows/release.yml",
};
const roots = prepareRoots([PUBLIC_GOOD_ROOT, { name: "test root", json: sigstore.trustedRoot }]);
const subject = [{ name: "app-1.tar.gz", sha256: SHA }];
const verdictOf = (bundle: unknown) => verifyAttestation(bundle, SHA, expected, roots);

describe("verifying a GitHub artifact attestation offline", () => {
  it("accepts an attestation by the named workflow of this repository at the release's commit", () => {
    const finding = verdictOf(sigstore.attest(subject, expected));
    expect(finding).toMatchObject({
      verdict: "valid",
      signer: {
        issuer: "https://token.actions.githubusercontent.com",
        repositoryUrl: "https://github.com/acme/shop",
        commit: COMMIT,
        workflow: ".github/workflows/release.yml",
        ref: "refs/tags/v1.0.0",
      },
    });
    expect(assetProvenance(subject[0]!, [sigstore.attest(subject, expected)], expected, roots)).toEqual({
      name: "app-1.tar.gz",
      sha256: SHA,
      ok: true,
      detail: "built by `.github/workflows/release.yml` at c0ffee111111 (refs/tags/v1.0.0)",
    });
  });

  it("refuses an attestation about other bytes (digest mismatch)", () => {
    const bundle = sigstore.attest([{ name: "app-1.tar.gz", sha256: "cd".repeat(32) }], expected);
    expect(verdictOf(bundle).verdict).toBe("other-subject");
    expect(assetProvenance(subject[0]!, [bundle], expected, roots).detail).toMatch(
      /an attestation by `.github\/workflows\/release.yml` that does not name sha256 (ab){32}/,
    );
  });

  it.each([
    [
      "workflow",
      { workflow: ".github/workflows/pr.yml" },
      /built by workflow .github\/workflows\/pr.yml, expected .github\/workflows\/release.yml/,
    ],
    ["commit", { commit: "d".repeat(40) }, new RegExp(`built at commit d{40}, expected ${COMMIT}`)],
    [
      "repository",
      { repositoryUrl: "https://github.com/mallory/shop" },
      /built in https:\/\/github.com\/mallory\/shop, expected https:\/\/github.com\/acme\/shop/,
    ],
    [
      "issuer",
      { issuer: "https://accounts.example.com" },
      /issued to https:\/\/accounts.example.com, not a GitHub Actions workflow/,
    ],
  ])("refuses a genuine attestation from another %s, naming what it says", (_what, change, says) => {
    const bundle = sigstore.attest(subject, { ...expected, ...change });
    const result = assetProvenance(subject[0]!, [bundle], expected, roots);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(
      /^found an attestation signed by workflow `[^`]+` of \S+ at commit [0-9a-f]{40}/,
    );
    expect(result.detail).toMatch(says);
  });

  it("refuses garbage, an unsigned statement and a bundle whose payload was changed after signing", () => {
    expect(verdictOf({ hello: "world" })).toMatchObject({
      verdict: "invalid",
      reason: /not a Sigstore bundle/,
    });
    const good = sigstore.attest(subject, expected) as {
      dsseEnvelope: { payload: string; signatures: { sig: string }[] };
    };
    const unsigned = structuredClone(good);
    unsigned.dsseEnvelope.signatures = [];
    expect(verdictOf(unsigned)).toMatchObject({ verdict: "invalid", reason: /not a Sigstore bundle/ });
    // Swap in a statement that names the asset: the log entry and the signature no longer match it.
    const forged = structuredClone(good);
    const statement = JSON.parse(Buffer.from(forged.dsseEnvelope.payload, "base64").toString());
    statement.subject[0].digest.sha256 = "ef".repeat(32);
    forged.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const finding = verifyAttestation(forged, "ef".repeat(32), expected, roots);
    expect(finding).toMatchObject({ verdict: "invalid", reason: /its signature does not verify/ });
  });

  it("accepts a bundle timestamped by a TSA and logged nowhere (GitHub's own Sigstore, private repositories)", () => {
    const github = testSigstore("github-like", "tsa");
    const bundle = github.attest(subject, expected) as { verificationMaterial: { tlogEntries: unknown[] } };
    expect(bundle.verificationMaterial.tlogEntries).toEqual([]);
    const asTrustedRoot = prepareRoots([PUBLIC_GOOD_ROOT, { name: "github", json: github.trustedRoot }]);
    expect(verifyAttestation(bundle, SHA, expected, asTrustedRoot).verdict).toBe("valid");
    // A root that requires a transparency-log entry (as the public-good one does) refuses it.
    const strict = prepareRoots([{ name: "strict", json: github.trustedRoot, require: { tlog: true } }]);
    expect(verifyAttestation(bundle, SHA, expected, strict)).toMatchObject({
      verdict: "invalid",
      reason: /expected 1 tlog entries, got 0/,
    });
    // A timestamp by a TSA the root does not list is no signing time.
    const other = testSigstore("other", "tsa");
    const foreignTsa = prepareRoots([
      {
        name: "mixed",
        json: {
          ...(github.trustedRoot as object),
          timestampAuthorities: (other.trustedRoot as { timestampAuthorities: unknown }).timestampAuthorities,
        },
      },
    ]);
    expect(verifyAttestation(bundle, SHA, expected, foreignTsa).verdict).toBe("invalid");
  });

  it("refuses a bundle without a verified signing time (its log entry removed)", () => {
    const bundle = sigstore.attest(subject, expected) as { verificationMaterial: { tlogEntries: unknown[] } };
    bundle.verificationMaterial.tlogEntries = [];
    expect(verdictOf(bundle)).toMatchObject({ verdict: "invalid", reason: /expected 1 timestamps, got 0/ });
  });

  it("refuses an attestation from a Sigstore the verifier does not trust", () => {
    const stranger = testSigstore("stranger");
    const finding = verdictOf(stranger.attest(subject, expected));
    expect(finding).toMatchObject({ verdict: "invalid" });
    expect(finding.verdict === "invalid" && finding.reason).toMatch(
      /its signature does not verify \(Sigstore public-good: .+; test root: .+\)/,
    );
    // Only the built-in public-good root: the test root's genuine attestation is refused too.
    const publicOnly = prepareRoots([PUBLIC_GOOD_ROOT]);
    expect(verifyAttestation(sigstore.attest(subject, expected), SHA, expected, publicOnly).verdict).toBe(
      "invalid",
    );
  });

  it("one valid attestation among others proves the asset; none at all says so", async () => {
    const bad = sigstore.attest(subject, { ...expected, workflow: ".github/workflows/pr.yml" });
    const good = sigstore.attest(subject, expected);
    const looked: string[] = [];
    const found = await checkProvenance(
      [...subject, { name: "SHA256SUMS", sha256: "00".repeat(32) }, { name: "again", sha256: SHA }],
      async (sha) => {
        looked.push(sha);
        return sha === SHA ? [bad, good] : [];
      },
      expected,
      [PUBLIC_GOOD_ROOT, { name: "test root", json: sigstore.trustedRoot }],
    );
    expect(looked).toEqual([SHA, "00".repeat(32)]);
    expect(found.map((f) => [f.name, f.ok])).toEqual([
      ["app-1.tar.gz", true],
      ["SHA256SUMS", false],
      ["again", true],
    ]);
    expect(found[1]!.detail).toBe(
      `no attestation for sha256 ${"00".repeat(32)}: attest it in \`.github/workflows/release.yml\` with actions/attest-build-provenance`,
    );
  });
});

describe("the provenance rule (App and Action)", () => {
  const missing = [{ name: "app-1.tar.gz", ok: false, detail: "no attestation for sha256 ab…" }];
  it("required refuses an asset without a valid attestation, naming it and what was found", () => {
    expect(
      provenanceVerdict(
        { provenance: { workflow: ".github/workflows/release.yml", mode: "required" } },
        missing,
      ),
    ).toEqual({
      problems: [
        "`app-1.tar.gz` has no valid build provenance from `.github/workflows/release.yml`: no attestation for sha256 ab….",
      ],
      warnings: [],
    });
  });
  it("optional warns and lets it through; without provenance nothing is checked", () => {
    const v = provenanceVerdict(
      { provenance: { workflow: ".github/workflows/release.yml", mode: "optional" } },
      missing,
    );
    expect(v.problems).toEqual([]);
    expect(v.warnings).toEqual([
      expect.stringMatching(
        /^`app-1.tar.gz` has no valid build provenance .* Deployed anyway: `artifacts.provenance.mode` is optional\.$/,
      ),
    ]);
    expect(provenanceVerdict({}, missing)).toEqual({ problems: [], warnings: [] });
  });
});

describe("trusted roots and URLs", () => {
  it("the config names a workflow file of the repository, with a clear error otherwise", () => {
    const config = (workflow: string) =>
      parseConfig(`artifacts: { provenance: { workflow: ${workflow} } }
targets: { eu: [a] }
stages: [{ name: production }]
`);
    const ok = config(".github/workflows/release.yml");
    expect(ok.ok && ok.config.pipelines[0]!.artifacts.provenance).toEqual({
      workflow: ".github/workflows/release.yml",
      mode: "required",
    });
    const bad = config("release.yml");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toMatchObject({
      path: "artifacts.provenance.workflow",
      message: expect.stringContaining("expected the path of a workflow file in this repository"),
    });
  });

  it("ships the Sigstore public-good root and refuses a file that is not a trusted root", () => {
    expect(() => prepareRoots([PUBLIC_GOOD_ROOT])).not.toThrow();
    expect(() => parseTrustedRoot("roots/github.json", "{nope")).toThrow(
      /the trusted root roots\/github.json is not JSON/,
    );
    expect(() => parseTrustedRoot("roots/github.json", "{}")).toThrow(
      /the trusted root roots\/github.json lists no certificate authority/,
    );
    expect(parseTrustedRoot("t.json", JSON.stringify(sigstore.trustedRoot)).name).toBe("t.json");
  });
  it("derives the repository's web URL from the REST API URL", () => {
    expect(repositoryWebUrl("https://api.github.com", "acme/shop")).toBe("https://github.com/acme/shop");
    expect(repositoryWebUrl("https://ghe.example.com/api/v3", "acme/shop")).toBe(
      "https://ghe.example.com/acme/shop",
    );
    expect(repositoryWebUrl("https://api.octo.ghe.com", "acme/shop")).toBe("https://octo.ghe.com/acme/shop");
    expect(repositoryWebUrl("http://127.0.0.1:8080", "acme/shop")).toBe("http://127.0.0.1:8080/acme/shop");
  });

  it("the Action follows an annotated tag to its commit, and says which permission a 403 lacks", async () => {
    const seen: string[] = [];
    const answers: Record<string, [number, unknown]> = {
      "/repos/acme/shop/git/ref/tags/v1": [200, { object: { type: "tag", sha: "7".repeat(40) } }],
      [`/repos/acme/shop/git/tags/${"7".repeat(40)}`]: [200, { object: { type: "commit", sha: COMMIT } }],
      [`/repos/acme/shop/attestations/sha256:${SHA}`]: [403, { message: "Resource not accessible" }],
    };
    const endpoint = {
      apiUrl: "https://api.github.com",
      repository: "acme/shop",
      token: "t",
      fetch: (async (url: string) => {
        const path = new URL(url).pathname;
        seen.push(path);
        const [status, body] = answers[path] ?? [404, {}];
        return new Response(JSON.stringify(body), { status });
      }) as typeof fetch,
    };
    expect(await tagCommit(endpoint, "v1")).toBe(COMMIT);
    await expect(attestationLookup(endpoint)(SHA)).rejects.toThrow(
      `reading the attestations of sha256 ${SHA} failed: HTTP 403 (the job token needs \`permissions: attestations: read\`); nothing was deployed.`,
    );
    expect(await attestationLookup(endpoint)("00".repeat(32))).toEqual([]);
    expect(seen).toContain(`/repos/acme/shop/git/tags/${"7".repeat(40)}`);
  });
});
