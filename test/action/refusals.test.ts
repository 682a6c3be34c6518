import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumFile, sha256, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { type FakeAsset, FakeGitHub } from "./helpers/github.js";

let root: string;
let github: FakeGitHub;
const MAX = 1024 * 1024;

/** A release whose one archive is `data`, listed correctly in SHA256SUMS unless `sums` says otherwise. */
function publish(
  tag: string,
  name: string,
  data: Buffer,
  options: Partial<FakeAsset> & { sums?: Buffer | null; sumsUploader?: FakeAsset["uploader"] } = {},
) {
  const { sums: _sums, sumsUploader, ...rest } = options;
  const asset: FakeAsset = { name, data, ...rest };
  const sums = options.sums === undefined ? checksumFile([{ name, data }]) : options.sums;
  const sumsAsset: FakeAsset = { name: "SHA256SUMS", data: sums ?? Buffer.alloc(0) };
  if (sumsUploader !== undefined) sumsAsset.uploader = sumsUploader;
  github.addRelease(tag, sums ? [asset, sumsAsset] : [asset]);
}

function hostileTar(extra: string[], files: Record<string, string>): Buffer {
  const src = mkdtempSync(join(root, "src-"));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(src, p), c);
  const out = join(root, `h-${Math.random()}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-P", "-C", src, ...extra, ...Object.keys(files)], { stdio: "pipe" });
  return readFileSync(out);
}

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-refusals-"));
  mkdirSync(join(root, "ws/.github"), { recursive: true });
  writeFileSync(
    join(root, "ws/.github/shipline.yml"),
    `artifacts: { assets: ["app-*"], checksums: SHA256SUMS, max-size: ${MAX}, stall-timeout: 1s }
targets: { eu: [a, b] }
driver: { type: directory, path: "${root}/targets/{target}" }
stages: [{ name: production }]
`,
  );
  github = new FakeGitHub();
  const good = tarball(root, { VERSION: "ok" });
  // No digest from GitHub: only the downloaded bytes show the wrong sum.
  publish("wrong-sum", "app-1.tar.gz", good, {
    sums: Buffer.from(`${"0".repeat(64)}  app-1.tar.gz\n`),
    digest: null,
  });
  publish("wrong-digest", "app-1.tar.gz", good, { digest: `sha256:${"1".repeat(64)}` });
  publish("no-sums", "app-1.tar.gz", good, { sums: null, digest: null });
  publish("uncovered", "app-1.tar.gz", good, {
    sums: Buffer.from(`${sha256(good)}  other.tar.gz\n`),
    digest: null,
  });
  // GitHub's digest is there, but the configured checksum file does not list the asset: refused all the same.
  publish("uncovered-with-digest", "app-1.tar.gz", good, {
    sums: Buffer.from(`${sha256(good)}  other.tar.gz\n`),
  });
  publish("sums-by-person", "app-1.tar.gz", good, { sumsUploader: { login: "mallory", type: "User" } });
  publish("no-uploader", "app-1.tar.gz", good, { uploader: null });
  publish("truncated", "app-1.tar.gz", Buffer.concat([good, Buffer.alloc(256 * 1024, 7)]), {
    truncate: true,
  });
  // Storage sends half the bytes and then nothing, with the connection open: without a stall limit this hangs.
  publish("stalled", "app-1.tar.gz", Buffer.concat([good, Buffer.alloc(256 * 1024, 7)]), { stall: true });
  publish("dotdot", "app-1.tar.gz", hostileTar(["--transform=s,^x,../../escaped-dotdot,"], { x: "pwned" }));
  publish(
    "absolute",
    "app-1.tar.gz",
    hostileTar([`--transform=s,^x,${root}/escaped-absolute,`], { x: "pwned" }),
  );
  const linkSrc = mkdtempSync(join(root, "link-"));
  symlinkSync(`${root}/outside-dir`, join(linkSrc, "escape"));
  writeFileSync(join(linkSrc, "VERSION"), "x");
  const linkTar = join(root, "link.tar.gz");
  execFileSync("tar", ["-czf", linkTar, "-C", linkSrc, "escape", "VERSION"]);
  publish("symlink", "app-1.tar.gz", readFileSync(linkTar));
  const relLinkSrc = mkdtempSync(join(root, "rel-"));
  symlinkSync("../../../../etc", join(relLinkSrc, "etc"));
  const relTar = join(root, "rel.tar.gz");
  execFileSync("tar", ["-czf", relTar, "-C", relLinkSrc, "etc"]);
  publish("relative-symlink", "app-1.tar.gz", readFileSync(relTar));
  const bombDir = mkdtempSync(join(root, "bomb-"));
  execFileSync("sh", ["-c", "head -c 20000000 /dev/zero > zeros && zip -q bomb.zip zeros"], { cwd: bombDir });
  publish("zip-bomb", "app-1.zip", readFileSync(join(bombDir, "bomb.zip")));
  publish("tar-bomb", "app-1.tar.gz", hostileTar([], { big: "x".repeat(MAX + 1) }));
  publish("human", "app-1.tar.gz", good, { uploader: { login: "mallory", type: "User" } });
  await github.start();
}, 120_000);

afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

const cases: [string, RegExp][] = [
  ["wrong-sum", /does not match the checksum file/],
  // The checksum line and GitHub's digest disagree: refused before anything is downloaded.
  [
    "wrong-digest",
    /`SHA256SUMS` gives `app-1.tar.gz` the sha256 [0-9a-f]{64}, but GitHub's digest of the uploaded bytes is 1{64}/,
  ],
  ["no-sums", /The checksum file `SHA256SUMS` is not attached to the release/],
  ["uncovered", /`SHA256SUMS` has no checksum for `app-1.tar.gz`: a configured checksum file must cover/],
  ["uncovered-with-digest", /`SHA256SUMS` has no checksum for `app-1.tar.gz`/],
  ["sums-by-person", /`SHA256SUMS` was uploaded by mallory \(a person\), not by CI/],
  ["no-uploader", /`app-1.tar.gz` was uploaded by an unknown account/],
  ["truncated", /interrupted|truncated/],
  [
    "stalled",
    /app-1\.tar\.gz: the download stalled \(no data for 1 s after \d+ of \d+ bytes\); nothing was deployed/,
  ],
  ["dotdot", /a `\.\.` path segment/],
  ["absolute", /an absolute path/],
  ["symlink", /a symlink to an absolute path/],
  ["relative-symlink", /a symlink pointing outside the release/],
  ["zip-bomb", /more than 1048576 bytes once extracted/],
  ["tar-bomb", /more than 1048576 bytes once extracted/],
  ["human", /`app-1.tar.gz` was uploaded by mallory \(a person\), not by CI/],
];

describe("the built Action refuses hostile or damaged assets before touching any target", () => {
  it.each(cases)("%s", async (tag, message) => {
    const work = join(root, "work", tag);
    const run = await runBundle(
      root,
      { release: tag, stage: "production", token: "t", "work-dir": work },
      {
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_API_URL: github.url,
        GITHUB_WORKSPACE: join(root, "ws"),
      },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).toMatch(/::error::/);
    expect(existsSync(join(root, "targets"))).toBe(false);
    for (const escaped of ["escaped-dotdot", "escaped-absolute", "outside-dir", "zeros"])
      expect(existsSync(join(root, escaped))).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith("escaped"))).toEqual([]);
    // Nothing unpacked remains: the staging tree is removed with the refusal.
    expect(existsSync(join(work, tag, "tree"))).toBe(false);
  });
});
