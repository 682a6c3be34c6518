// The GitHub stand-in serves artifact attestations by subject digest as GitHub does (its requests and responses
// checked against GitHub's OpenAPI description), and the gateway reads them back for the App's check.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assetProvenance, prepareRoots } from "../../src/artifacts/provenance.js";
import { GitHubGateway } from "../../src/github/gateway.js";
import type { RunningStandin } from "../../tools/standin/index.js";
import { testSigstore } from "../fixtures/provenance/signer.js";
import { REPO, standinWithToken } from "../standin/helpers.js";

const [owner = "", repo = ""] = REPO.split("/");
const SHA = "9f".repeat(32);
let gh: RunningStandin;
let gateway: GitHubGateway;

beforeEach(async () => {
  const started = await standinWithToken();
  gh = started.gh;
  gateway = new GitHubGateway(started.octokit, { owner, repo });
});

afterEach(async () => {
  await gh.stop();
});

describe("attestations in the GitHub stand-in", () => {
  it("answers 404 for a digest without attestations and the stored bundles for one with", async () => {
    expect(await gateway.attestations(SHA)).toEqual([]);
    const sigstore = testSigstore();
    const who = {
      repositoryUrl: `https://github.com/${REPO}`,
      commit: "1".repeat(40),
      workflow: ".github/workflows/release.yml",
    };
    const bundle = sigstore.attest([{ name: "app.tar.gz", sha256: SHA }], who);
    gh.standin.repo().attestations.set(SHA, [
      { bundle, predicate: "provenance" },
      { bundle: { mediaType: "sbom" }, predicate: "https://spdx.dev/Document/v2.3" },
    ]);
    const bundles = await gateway.attestations(SHA);
    expect(bundles).toHaveLength(1);
    const roots = prepareRoots([{ name: "test", json: sigstore.trustedRoot }]);
    expect(assetProvenance({ name: "app.tar.gz", sha256: SHA }, bundles, who, roots).ok).toBe(true);
    gh.assertNoViolations();
  });
});
