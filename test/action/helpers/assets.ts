import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function stage(root: string, files: Record<string, string>): string {
  const src = mkdtempSync(join(root, "src-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  return src;
}

/** A real .tar.gz made by GNU tar; `extra` arguments (e.g. --transform) shape hostile ones. */
export function tarball(root: string, files: Record<string, string>, extra: string[] = []): Buffer {
  const src = stage(root, files);
  const out = join(root, `t-${Math.random().toString(16).slice(2)}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-C", src, ...extra, ...Object.keys(files)]);
  rmSync(src, { recursive: true });
  return readFileSync(out);
}

/** A real zip made by Info-ZIP. */
export function zipArchive(root: string, files: Record<string, string>): Buffer {
  const src = stage(root, files);
  const out = join(root, `z-${Math.random().toString(16).slice(2)}.zip`);
  execFileSync("zip", ["-q", "-r", out, ...Object.keys(files)], { cwd: src });
  rmSync(src, { recursive: true });
  return readFileSync(out);
}

/** A real .deb made by dpkg-deb --build. */
export function debPackage(root: string, version: string, files: Record<string, string>): Buffer {
  const src = stage(root, files);
  mkdirSync(join(src, "DEBIAN"));
  writeFileSync(
    join(src, "DEBIAN/control"),
    `Package: shop\nVersion: ${version}\nArchitecture: all\nMaintainer: CI <ci@example.com>\nDescription: shop\n`,
  );
  const out = join(root, `d-${Math.random().toString(16).slice(2)}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "--build", src, out], { stdio: "pipe" });
  rmSync(src, { recursive: true });
  return readFileSync(out);
}

export function checksumFile(assets: { name: string; data: Buffer }[]): Buffer {
  return Buffer.from(assets.map((a) => `${sha256(a.data)}  ${a.name}\n`).join(""));
}
