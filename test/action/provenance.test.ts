// The built Action (Node 24, as a runner runs it) with `artifacts.provenance`: it reads the attestations of every
// downloaded file through the REST API, verifies each Sigstore bundle offline, and refuses before any target
// is touched when the named workflow did not build the bytes at the release's commit.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateGitHubRequest } from "../../tools/standin/openapi/validate.js";
import { type BuildIdentity, testSigstore } from "../fixtures/provenance/signer.js";
import { checksumFile, sha256, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

let root: string;
let github: FakeGitHub;
const sigstore = testSigstore();
const WORKFLOW = ".github/workflows/release.yml";
const commitOf = (tag: string) => sha256(Buffer.from(tag)).slice(0, 40);
const ci = (tag: string): BuildIdentity => ({
  repositoryUrl: `${github.url}/acme/shop`,
  commit: commitOf(tag),
  workflow: WORKFLOW,
  ref: `refs/tags/${tag}`,
});

/** A workspace whose config requires (or only wants) provenance, deploying into its own targets folder. */
function workspace(name: string, mode: "required" | "optional"): string {
  const ws = join(root, name);
  mkdirSync(join(ws, ".github"), { recursive: true });
  writeFileSync(join(ws, ".github/sigstore-root.json"), JSON.stringify(sigstore.trustedRoot));
  writeFileSync(
    join(ws, ".github/shipline.yml"),
    `artifacts:
  assets: ["app-*"]
  checksums: SHA256SUMS
  provenance: { workflow: ${WORKFLOW}, mode: ${mode}, trusted-root: .github/sigstore-root.json }
targets: { eu: [a] }
driver: { type: directory, path: "${root}/targets-${name}/{target}" }
stages: [{ name: production }]
`,
  );
  return ws;
}

type Attest = (tag: string, archive: Buffer, sums: Buffer) => void;

/** A release of one archive and its SHA256SUMS, attested as `attest` says. */
function publish(tag: string, attest: Attest) {
  const data = tarball(root, { VERSION: tag });
  const sums = checksumFile([{ name: "app-1.tar.gz", data }]);
  github.addRelease(tag, [
    { name: "app-1.tar.gz", data },
    { name: "SHA256SUMS", data: sums },
  ]);
  github.tags.set(tag, commitOf(tag));
  attest(tag, data, sums);
}

const sign = (bytes: Buffer, name: string, who: BuildIdentity) =>
  github.attestations.set(sha256(bytes), [
    ...(github.attestations.get(sha256(bytes)) ?? []),
    sigstore.attest([{ name, sha256: sha256(bytes) }], who),
  ]);
const both =
  (change: Partial<BuildIdentity> = {}): Attest =>
  (tag, archive, sums) => {
    sign(archive, "app-1.tar.gz", { ...ci(tag), ...change });
    sign(sums, "SHA256SUMS", ci(tag));
  };

let required: string;
let optional: string;

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-provenance-"));
  github = new FakeGitHub();
  await github.start();
  required = workspace("required", "required");
  optional = workspace("optional", "optional");
  publish("proven", both());
  publish("other-workflow", both({ workflow: ".github/workflows/pr.yml" }));
  publish("other-commit", both({ commit: "e".repeat(40) }));
  publish("other-repository", both({ repositoryUrl: `${github.url}/mallory/shop` }));
  publish("other-bytes", (tag, _archive, sums) => {
    const other = Buffer.from("other bytes");
    github.attestations.set(sha256(_archive), [
      sigstore.attest([{ name: "app-1.tar.gz", sha256: sha256(other) }], ci(tag)),
    ]);
    sign(sums, "SHA256SUMS", ci(tag));
  });
  publish("garbage", (tag, archive, sums) => {
    github.attestations.set(sha256(archive), [
      { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" },
    ]);
    sign(sums, "SHA256SUMS", ci(tag));
  });
  publish("unattested", () => undefined);
  publish("sums-unattested", (tag, archive) => sign(archive, "app-1.tar.gz", ci(tag)));
}, 120_000);

afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

const run = (tag: string, ws: string) =>
  runBundle(
    root,
    { release: tag, stage: "production", token: "t", "work-dir": join(root, "work", `${tag}-${ws.length}`) },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: ws },
  );

describe("the built Action with artifacts.provenance", () => {
  it("deploys what the named workflow built and attested at the release's commit", async () => {
    const result = await run("proven", required);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      "app-1.tar.gz: provenance verified, built by `.github/workflows/release.yml` at",
    );
    expect(result.stdout).toContain("SHA256SUMS: provenance verified");
    expect(readFileSync(join(root, "targets-required/a/current/VERSION"), "utf8")).toBe("proven");
    // Read through GitHub's attestations API, as its OpenAPI description says.
    const reads = github.requests.filter((r) => /\/attestations\/|\/git\/ref\//.test(r.path));
    expect(reads.filter((r) => r.path.includes("/attestations/")).length).toBeGreaterThanOrEqual(2);
    expect(reads.some((r) => r.path === "/repos/acme/shop/git/ref/tags/proven")).toBe(true);
    for (const r of reads) {
      expect(r.authorization).toBe("Bearer t");
      expect(validateGitHubRequest({ method: r.method, url: `${r.path}${r.search ?? ""}` })).toEqual([]);
    }
  });

  const refusals: [string, RegExp][] = [
    [
      "other-workflow",
      /`app-1\.tar\.gz` has no valid build provenance from `\.github\/workflows\/release\.yml`: found an attestation signed by workflow `\.github\/workflows\/pr\.yml` of http:\/\/127\.0\.0\.1:\d+\/acme\/shop at commit [0-9a-f]{40} \(built by workflow \.github\/workflows\/pr\.yml, expected \.github\/workflows\/release\.yml\)/,
    ],
    ["other-commit", /built at commit e{40}, expected [0-9a-f]{40}/],
    [
      "other-repository",
      /built in http:\/\/127\.0\.0\.1:\d+\/mallory\/shop, expected http:\/\/127\.0\.0\.1:\d+\/acme\/shop/,
    ],
    [
      "other-bytes",
      /an attestation by `\.github\/workflows\/release\.yml` that does not name sha256 [0-9a-f]{64}/,
    ],
    ["garbage", /an attestation that is not valid: not a Sigstore bundle/],
    [
      "unattested",
      /`app-1\.tar\.gz` has no valid build provenance from `\.github\/workflows\/release\.yml`: no attestation for sha256 [0-9a-f]{64}: attest it in/,
    ],
    [
      "sums-unattested",
      /`SHA256SUMS` has no valid build provenance from `\.github\/workflows\/release\.yml`: no attestation/,
    ],
  ];
  it.each(refusals)("required: %s is refused before any target is touched", async (tag, message) => {
    const result = await run(tag, required);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(result.stdout).toMatch(new RegExp(`::error::${tag}: refused, nothing was deployed\\.`));
    expect(existsSync(join(root, "targets-required/a/releases", tag))).toBe(false);
    expect(existsSync(join(root, "work", `${tag}-${required.length}`, tag, "tree"))).toBe(false);
  });

  it("optional: an unattested release is deployed with a warning that names the asset", async () => {
    const result = await run("unattested", optional);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /::warning::`app-1\.tar\.gz` has no valid build provenance from `\.github\/workflows\/release\.yml`: no attestation for sha256 [0-9a-f]{64}.* Deployed anyway: `artifacts\.provenance\.mode` is optional\./,
    );
    expect(readFileSync(join(root, "targets-optional/a/current/VERSION"), "utf8")).toBe("unattested");
  });

  it("a trusted root missing from the workspace refuses with the path to fix", async () => {
    const ws = workspace("no-root", "required");
    rmSync(join(ws, ".github/sigstore-root.json"));
    const result = await run("proven", ws);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain(
      "artifacts.provenance.trusted-root: .github/sigstore-root.json is not in the workspace",
    );
    expect(existsSync(join(root, "targets-no-root"))).toBe(false);
  });
});
