// The App's side of build provenance: at release.published it reads every asset's attestations through the
// gateway and verifies them; a refusal is a failing `shipline` check run and no dispatch.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { releaseProvenance } from "../../src/github/attestations.js";
import { toRelease } from "../../src/github/gateway.js";
import { type BuildIdentity, testSigstore } from "../fixtures/provenance/signer.js";
import { type FakeGitHub, fakeGitHub } from "../support/fake-github.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { testProbot } from "../support/probot.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, unknown>[];
}[];

const OWNER = "Codertocat";
const REPO = "Hello-World";
const SHA = "a".repeat(40);
const TAG = "v1.2.0";
const bot = { login: "github-actions[bot]", type: "Bot", id: 41898282 };
const ARCHIVE = createHash("sha256").update("the archive").digest("hex");
const SUMS_TEXT = `${ARCHIVE}  app-1.2.0.tar.gz\n`;
const SUMS = createHash("sha256").update(SUMS_TEXT).digest("hex");
const sigstore = testSigstore();
const CI: BuildIdentity = {
  repositoryUrl: `https://github.com/${OWNER}/${REPO}`,
  commit: SHA,
  workflow: ".github/workflows/release.yml",
  ref: `refs/tags/${TAG}`,
};

const config = (mode: "required" | "optional") => `workflow: shipline.yml
artifacts:
  assets: ["app-*.tar.gz"]
  checksums: SHA256SUMS
  provenance: { workflow: .github/workflows/release.yml, mode: ${mode}, trusted-root: .github/sigstore-root.json }
targets: { eu-west: [web-1, web-2] }
stages:
  - { name: staging }
`;

function releasePublished() {
  const payload = structuredClone(
    examples.find((e) => e.name === "release")!.examples.find((x) => x.action === "published"),
    // biome-ignore lint/suspicious/noExplicitAny: an example payload, edited.
  ) as any;
  payload.installation = { id: 1, node_id: "x" };
  Object.assign(payload.release, { tag_name: TAG, draft: false });
  payload.release.assets = [
    {
      id: 1,
      name: "app-1.2.0.tar.gz",
      size: 10,
      state: "uploaded",
      uploader: bot,
      digest: `sha256:${ARCHIVE}`,
    },
    {
      id: 2,
      name: "SHA256SUMS",
      size: SUMS_TEXT.length,
      state: "uploaded",
      uploader: bot,
      digest: `sha256:${SUMS}`,
    },
  ];
  return payload;
}

describe("build provenance at publish (the App)", () => {
  const traffic = expectValidGitHubTraffic();
  let gh: FakeGitHub;
  let probot: Probot;
  const publish = () =>
    probot.receive({
      id: Math.random().toString(16).slice(2),
      name: "release",
      payload: releasePublished() as never,
    });
  const setup = (mode: "required" | "optional") => {
    gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/shipline.yml`, config(mode));
    gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/sigstore-root.json`, JSON.stringify(sigstore.trustedRoot));
  };
  const attest = (sha: string, name: string, who: BuildIdentity = CI) =>
    gh.attestations.set(sha, [
      ...(gh.attestations.get(sha) ?? []),
      sigstore.attest([{ name, sha256: sha }], who),
    ]);

  beforeEach(() => {
    gh = fakeGitHub(OWNER, REPO);
    gh.tags.set(TAG, SHA);
    gh.assetTexts.set(2, SUMS_TEXT);
    probot = testProbot();
  });

  it("starts the pipeline when the asset and the checksum file were attested by the workflow at the tag's commit", async () => {
    setup("required");
    attest(ARCHIVE, "app-1.2.0.tar.gz");
    attest(SUMS, "SHA256SUMS");
    await publish();
    expect(gh.calls.filter((c) => c.path.includes("/attestations/")).map((c) => c.path)).toEqual([
      `/repos/${OWNER}/${REPO}/attestations/sha256%3A${ARCHIVE}`,
      `/repos/${OWNER}/${REPO}/attestations/sha256%3A${SUMS}`,
    ]);
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(gh.check("shipline")!.conclusion).toBeNull();
    traffic.current().assertValid();
  });

  it("refuses an asset built by another workflow with a failing check run naming it, and dispatches nothing", async () => {
    setup("required");
    attest(ARCHIVE, "app-1.2.0.tar.gz", {
      ...CI,
      workflow: ".github/workflows/pr.yml",
      commit: "b".repeat(40),
    });
    attest(SUMS, "SHA256SUMS");
    await publish();
    expect(gh.dispatches).toEqual([]);
    const check = gh.check("shipline")!;
    expect([check.status, check.conclusion, check.output.title]).toEqual([
      "completed",
      "failure",
      `${TAG} cannot be deployed`,
    ]);
    expect(check.output.summary).toContain(
      "- `app-1.2.0.tar.gz` has no valid build provenance from `.github/workflows/release.yml`: found an attestation signed by workflow `.github/workflows/pr.yml` of https://github.com/Codertocat/Hello-World at commit bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb (built at commit bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, expected aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; built by workflow .github/workflows/pr.yml, expected .github/workflows/release.yml)",
    );
    expect(check.output.summary).not.toContain("`SHA256SUMS` has no valid");
    traffic.current().assertValid();
  });

  it("required: an asset with no attestation at all is refused, naming the asset and its digest", async () => {
    setup("required");
    await publish();
    expect(gh.dispatches).toEqual([]);
    const refused = gh.check("shipline")!.output.summary;
    expect(refused).toContain(
      `- \`app-1.2.0.tar.gz\` has no valid build provenance from \`.github/workflows/release.yml\`: no attestation for sha256 ${ARCHIVE}`,
    );
    expect(refused).toContain(
      `- \`SHA256SUMS\` has no valid build provenance from \`.github/workflows/release.yml\`: no attestation for sha256 ${SUMS}`,
    );

    traffic.current().assertValid();
  });

  it("optional: an asset with no attestation is deployed, with a warning atop the check run", async () => {
    setup("optional");
    await publish();
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(gh.check("shipline")!.output.summary).toMatch(
      /^> \[!WARNING\]\n> `app-1.2.0.tar.gz` has no valid build provenance .* Deployed anyway: `artifacts.provenance.mode` is optional\./,
    );
    traffic.current().assertValid();
  });

  it("refuses when the configured trusted root is not in the repository at the tag", async () => {
    setup("required");
    gh.files.delete(`${OWNER}/${REPO}@${TAG}:.github/sigstore-root.json`);
    attest(ARCHIVE, "app-1.2.0.tar.gz");
    await publish();
    expect(gh.dispatches).toEqual([]);
    expect(gh.check("shipline")!.output.summary).toContain(
      `the trusted root \`.github/sigstore-root.json\` is not in the repository at ${TAG}`,
    );
  });

  it("an App without the Attestations permission refuses with the reason, naming the asset", async () => {
    const parsed = parseConfig(config("required"));
    const release = toRelease(releasePublished().release, SHA);
    const reader = {
      readFile: async () => JSON.stringify(sigstore.trustedRoot),
      attestations: async () => {
        throw Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
      },
    };
    const found = await releaseProvenance(reader, parsed, release, SUMS_TEXT, CI.repositoryUrl);
    expect(found).toEqual([
      expect.objectContaining({
        name: "app-1.2.0.tar.gz",
        ok: false,
        detail: "reading its attestations failed: HTTP 403 (the App needs the Attestations read permission)",
      }),
      expect.objectContaining({ name: "SHA256SUMS", ok: false }),
    ]);
  });
});
