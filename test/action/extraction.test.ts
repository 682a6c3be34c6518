import { execFileSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumFile } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

let root: string;
let github: FakeGitHub;
const MAX = 16 * 1024 * 1024;

function publish(tag: string, data: Buffer) {
  const asset = { name: "app-1.tar.gz", data };
  github.addRelease(tag, [asset, { name: "SHA256SUMS", data: checksumFile([asset]) }]);
}

/** GNU tar over a folder the callback fills; `extra` shapes hostile archives. */
function tarOf(fill: (dir: string) => string[], extra: string[] = []): Buffer {
  const src = mkdtempSync(join(root, "src-"));
  const names = fill(src);
  const out = join(root, `a-${Math.random().toString(16).slice(2)}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-P", "-C", src, ...extra, ...names], { stdio: "pipe" });
  return readFileSync(out);
}

const many = (dir: string) =>
  Array.from({ length: 300 }, (_, i) => {
    const name = `f${String(i).padStart(3, "0")}`;
    writeFileSync(join(dir, name), `file ${i}\n`.repeat(50));
    return name;
  });

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-extraction-"));
  mkdirSync(join(root, "ws/.github"), { recursive: true });
  writeFileSync(
    join(root, "ws/.github/shipline.yml"),
    `artifacts: { assets: ["app-*"], checksums: SHA256SUMS, max-size: ${MAX} }
targets: { eu: [a] }
driver: { type: directory, path: "${root}/targets/{target}" }
stages: [{ name: production }]
`,
  );
  github = new FakeGitHub();
  // CI uploaded a broken archive: its checksum is right, its bytes end half way.
  const good = tarOf(many);
  publish("cut-in-half", good.subarray(0, Math.floor(good.length / 2)));
  publish(
    "dotdot-after-300",
    tarOf(
      (dir) => {
        writeFileSync(join(dir, "zz-evil"), "pwned");
        return [...many(dir), "zz-evil"];
      },
      ["--transform=s,^zz-evil,../../escaped-late,"],
    ),
  );
  publish(
    "hard-links",
    tarOf((dir) => {
      writeFileSync(join(dir, "big"), Buffer.alloc(4 * 1024 * 1024, 1));
      const links = Array.from({ length: 40 }, (_, i) => {
        linkSync(join(dir, "big"), join(dir, `link-${i}`));
        return `link-${i}`;
      });
      return ["big", ...links];
    }),
  );
  publish(
    "few-hard-links",
    tarOf((dir) => {
      writeFileSync(join(dir, "big"), Buffer.alloc(4 * 1024 * 1024, 1));
      linkSync(join(dir, "big"), join(dir, "copy"));
      return ["big", "copy"];
    }),
  );
  // The same for zips (written by Python's zipfile, which stores any name it is given).
  const zipOut = join(root, "late.zip");
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nfor i in range(300): z.writestr('f%03d' % i, 'file %d\\n' % i * 50)\nz.writestr('../../escaped-zip', 'pwned')\nz.close()",
    zipOut,
  ]);
  const zipAsset = { name: "app-1.zip", data: readFileSync(zipOut) };
  github.addRelease("zip-dotdot-after-300", [
    zipAsset,
    { name: "SHA256SUMS", data: checksumFile([zipAsset]) },
  ]);
  const cut = { name: "app-1.zip", data: zipAsset.data.subarray(0, Math.floor(zipAsset.data.length / 2)) };
  github.addRelease("zip-cut-in-half", [cut, { name: "SHA256SUMS", data: checksumFile([cut]) }]);
  await github.start();
}, 120_000);

afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

const deploy = (tag: string) =>
  runBundle(
    root,
    { release: tag, stage: "production", token: "t", "work-dir": join(root, "work", tag) },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: join(root, "ws") },
  );

/** What is under `dir` besides the downloaded (verified, still packed) assets. */
function unpacked(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => !/(^|\/)(app-1\.(tar\.gz|zip)|checksums-\d+)$/.test(f))
    .filter((f) => !statSync(join(dir, f)).isDirectory() || readdirSync(join(dir, f)).length === 0);
}

describe("the built Action reports the real reason an archive is refused and leaves nothing unpacked", () => {
  it.each([
    ["cut-in-half", /app-1\.tar\.gz: not a readable archive \(.*\); nothing was deployed/],
    [
      "dotdot-after-300",
      /app-1\.tar\.gz: refused, the archive contains a `\.\.` path segment at "\.\.\/\.\.\/escaped-late"/,
    ],
    [
      "hard-links",
      /app-1\.tar\.gz: refused, the archive contains more than 16777216 bytes once extracted \(artifacts\.max-size; hard links count/,
    ],
    [
      "zip-dotdot-after-300",
      // yauzl refuses the name itself ("invalid relative path"), before Shipline's own rule.
      /app-1\.zip: refused, the archive contains .*\.\.\/\.\.\/escaped-zip/,
    ],
    ["zip-cut-in-half", /app-1\.zip: not a readable zip/],
  ])("%s", async (tag, message) => {
    const run = await deploy(tag);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).not.toMatch(/ENOTEMPTY|EEXIST|ENOENT/);
    expect(unpacked(join(root, "work", tag))).toEqual([]);
    expect(existsSync(join(root, "targets"))).toBe(false);
    expect(existsSync(join(root, "escaped-late"))).toBe(false);
    expect(existsSync(join(root, "escaped-zip"))).toBe(false);
  });

  it("counts a hard link as the bytes of what it links to, and installs an archive within the bound", async () => {
    const run = await deploy("few-hard-links");
    expect(run.code, run.stdout).toBe(0);
    const release = join(root, "targets/a/current");
    expect(readFileSync(join(release, "copy")).length).toBe(4 * 1024 * 1024);
    rmSync(join(root, "targets"), { recursive: true });
  });
});
