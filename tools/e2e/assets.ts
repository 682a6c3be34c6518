// Real release assets, built as CI would: a .tar.gz made by GNU tar and a SHA256SUMS file covering it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

export interface Asset {
  name: string;
  data: Buffer;
}

export function tarball(root: string, files: Record<string, string>): Buffer {
  const src = mkdtempSync(join(root, "src-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  const out = join(root, `asset-${Math.random().toString(16).slice(2)}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-C", src, ...Object.keys(files)]);
  rmSync(src, { recursive: true });
  const data = readFileSync(out);
  rmSync(out);
  return data;
}

export function checksumFile(assets: readonly Asset[]): Buffer {
  return Buffer.from(assets.map((a) => `${sha256(a.data)}  ${a.name}\n`).join(""));
}

/** `app-<version>.tar.gz` (an index.html naming the version) plus SHA256SUMS: what the example config expects. */
export function releaseAssets(root: string, tag: string): Asset[] {
  const version = tag.replace(/^v/, "");
  const archive = {
    name: `app-${version}.tar.gz`,
    data: tarball(root, { "index.html": `<h1>web ${tag}</h1>\n`, VERSION: `${tag}\n` }),
  };
  return [archive, { name: "SHA256SUMS", data: checksumFile([archive]) }];
}
