import { expect, it } from "vitest";
import { parseChecksums } from "../../src/artifacts/checksums.js";
import { entryPathProblem, hardlinkProblem, symlinkProblem } from "../../src/artifacts/safe-path.js";
import { digestMismatch, selectAssets } from "../../src/artifacts/select.js";
import { Artifacts } from "../../src/config/schema/artifacts.js";

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
    `${A}  app-1.tgz\n`,
  );
  expect(ok).toEqual({
    ok: true,
    assets: [
      {
        asset: asset("app-1.tgz", `sha256:${B}`),
        expected: [
          { sha256: A, source: "checksum file" },
          { sha256: B, source: "GitHub digest" },
        ],
      },
    ],
  });
  if (ok.ok) expect(digestMismatch(ok.assets[0]!, A)).toMatch(/does not match the GitHub digest/);
  expect(selectAssets([asset("app-1.tgz")], artifacts, `${A}  other\n`)).toEqual({
    ok: false,
    reason: "SHA256SUMS has no checksum for app-1.tgz; regenerate SHA256SUMS over every deployed asset.",
  });
  expect(selectAssets([asset("app-1.tgz")], Artifacts.parse({ assets: ["app-*"] }), undefined)).toMatchObject(
    {
      ok: false,
      reason: expect.stringContaining("no checksum for app-1.tgz"),
    },
  );
  expect(selectAssets([asset("lib.tgz")], artifacts, "")).toMatchObject({
    ok: false,
    reason: expect.stringContaining('no release asset matches "app-*"'),
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
