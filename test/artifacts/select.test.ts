import { describe, expect, it } from "vitest";
import { parseChecksums } from "../../src/artifacts/checksums.js";
import { entryPathProblem, hardlinkProblem, symlinkProblem } from "../../src/artifacts/safe-path.js";
import { digestMismatch, selectAssets } from "../../src/artifacts/select.js";
import { releaseTrust } from "../../src/artifacts/trust.js";
import { Artifacts } from "../../src/config/schema/artifacts.js";
import type { Pipeline } from "../../src/config/types.js";
import { checkDeployable } from "../../src/pipeline/deployable.js";
import type { Release, ReleaseAsset } from "../../src/pipeline/types.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const bot = { login: "github-actions[bot]", type: "Bot" };
const asset = (name: string, digest: string | null = null) => ({
  id: 1,
  name,
  size: 1,
  digest,
  uploader: bot,
});

it("parses sha256sum files, in text and binary mode, and flags conflicting entries", () => {
  const { sums, conflicts } = parseChecksums(
    `${A}  app.tar.gz\n${B} *./app.zip\nnot a line\n${B}  app.tar.gz\n`,
  );
  expect(sums.get("app.zip")).toBe(B);
  expect(conflicts).toEqual(["app.tar.gz"]);
});

it("pairs each asset with the checksum file and GitHub's digest, refusing what no digest covers", () => {
  const artifacts = Artifacts.parse({ assets: ["app-*"], checksums: "SHA256SUMS" });
  const ok = selectAssets(
    [asset("app-1.tgz", `sha256:${B}`), asset("SHA256SUMS")],
    artifacts,
    `${B}  app-1.tgz\n`,
  );
  expect(ok).toEqual({
    ok: true,
    assets: [
      {
        asset: asset("app-1.tgz", `sha256:${B}`),
        expected: [
          { sha256: B, source: "checksum file" },
          { sha256: B, source: "GitHub digest" },
        ],
      },
    ],
  });
  if (ok.ok) expect(digestMismatch(ok.assets[0]!, A)).toMatch(/does not match the checksum file/);
  // A checksum line that differs from GitHub's digest of the stored bytes can never match them: refused up front.
  expect(
    selectAssets([asset("app-1.tgz", `sha256:${B}`), asset("SHA256SUMS")], artifacts, `${A}  app-1.tgz\n`),
  ).toMatchObject({ ok: false, reason: expect.stringContaining("GitHub's digest of the uploaded bytes is") });
  expect(selectAssets([asset("app-1.tgz"), asset("SHA256SUMS")], artifacts, `${A}  other\n`)).toEqual({
    ok: false,
    reason:
      "`SHA256SUMS` has no checksum for `app-1.tgz`: a configured checksum file must cover every deployed asset. Regenerate `SHA256SUMS` over every deployed asset.",
  });
  expect(selectAssets([asset("app-1.tgz")], Artifacts.parse({ assets: ["app-*"] }), undefined)).toMatchObject(
    {
      ok: false,
      reason: expect.stringContaining("Nothing covers `app-1.tgz` with a checksum"),
    },
  );
  expect(selectAssets([asset("lib.tgz")], artifacts, "")).toMatchObject({
    ok: false,
    reason: expect.stringContaining("No release asset matches `app-*`"),
  });
});

describe("one trust rule for the App and the Action", () => {
  const rules = Artifacts.parse({ assets: ["app-*"], checksums: "SHA256SUMS" });
  const sums = asset("SHA256SUMS");
  const app = asset("app-1.tgz", `sha256:${B}`);
  const release: Release = {
    id: 1,
    tag: "v1",
    sha: "c".repeat(40),
    author: "dev",
    draft: false,
    prerelease: false,
    htmlUrl: "https://github.com/acme/shop/releases/v1",
    assets: [],
  };
  const pipeline = (artifacts: Artifacts) => ({ artifacts }) as Pipeline;
  const both = (assets: ReleaseAsset[], text: string | undefined, artifacts = rules) => ({
    trust: releaseTrust(assets, artifacts, text).problems,
    app: checkDeployable(pipeline(artifacts), { ...release, assets }, text).problems,
  });
  const uploaded = (a: ReturnType<typeof asset>): ReleaseAsset => ({ ...a, state: "uploaded" });

  it("refuses an asset the checksum file does not list, though GitHub has its digest", () => {
    const { trust, app: fromApp } = both([uploaded(app), uploaded(sums)], `${A}  other.tgz\n`);
    expect(trust).toEqual([expect.stringContaining("`SHA256SUMS` has no checksum for `app-1.tgz`")]);
    expect(fromApp).toEqual(trust);
  });

  it("refuses a checksum file a person uploaded, and an asset with no named uploader", () => {
    const person = { ...uploaded(sums), uploader: { login: "mallory", type: "User" } };
    expect(both([uploaded(app), person], `${B}  app-1.tgz\n`).app).toEqual([
      expect.stringContaining("`SHA256SUMS` was uploaded by mallory (a person), not by CI"),
    ]);
    const anonymous = { ...uploaded(app), uploader: null };
    expect(both([anonymous, uploaded(sums)], `${B}  app-1.tgz\n`).trust).toEqual([
      expect.stringContaining("`app-1.tgz` was uploaded by an unknown account"),
    ]);
  });

  it("refuses a configured checksum file that is missing, even when GitHub has digests", () => {
    expect(both([uploaded(app)], undefined).app).toEqual([
      expect.stringContaining("The checksum file `SHA256SUMS` is not attached to the release"),
    ]);
  });

  it("without the file's text (the App at publish), checks everything but its lines", () => {
    expect(both([uploaded(app), uploaded(sums)], undefined).app).toEqual([]);
    expect(
      releaseTrust([uploaded(app), uploaded(sums)], rules, `${A}  app-1.tgz\n`).assets[0]!.expected,
    ).toEqual([
      { sha256: A, source: "checksum file" },
      { sha256: B, source: "GitHub digest" },
    ]);
  });

  it("without a checksum file, needs GitHub's digest on every asset", () => {
    const noFile = Artifacts.parse({ assets: ["app-*"] });
    expect(both([uploaded(app)], undefined, noFile).app).toEqual([]);
    expect(both([uploaded(asset("app-2.tgz"))], undefined, noFile).app).toEqual([
      expect.stringContaining("GitHub has no sha256 digest for it"),
    ]);
    const off = Artifacts.parse({ assets: ["app-*"], digests: false });
    expect(both([uploaded(app)], undefined, off).app).toEqual([
      expect.stringContaining("`artifacts.digests` is off"),
    ]);
  });
});

it("keeps archive entries and links inside the extraction root", () => {
  expect(entryPathProblem("a/../../b")).toBe("a `..` path segment");
  expect(entryPathProblem("/etc/passwd")).toBe("an absolute path");
  expect(entryPathProblem("./app/bin")).toBeUndefined();
  expect(symlinkProblem("lib/x.so", "../share/x.so")).toBeUndefined();
  expect(symlinkProblem("lib/x.so", "../../x.so")).toMatch(/outside the release/);
  expect(symlinkProblem("x", "/etc")).toMatch(/absolute path/);
  expect(hardlinkProblem("a/../../b")).toMatch(/hard link/);
  expect(hardlinkProblem("bin/app")).toBeUndefined();
});
