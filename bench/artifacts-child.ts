// Child process for the artifacts section: Shipline's own download + verify + extract of one release
// (src/artifacts: fetchVerifiedRelease, then unpackRelease), so its peak RSS is measured alone.
// Usage: node artifacts-child.mjs <apiUrl> <repository> <release.json> <workDir> <destDir>
import { readFileSync } from "node:fs";
import { fetchVerifiedRelease, type ReleaseInfo, unpackRelease } from "../src/artifacts/index.js";
import { Artifacts } from "../src/config/schema/artifacts.js";

const [apiUrl, repository, releaseFile, workDir, destDir] = process.argv.slice(2);
if (!apiUrl || !repository || !releaseFile || !workDir || !destDir) {
  console.error("usage: artifacts-child <apiUrl> <repository> <release.json> <workDir> <destDir>");
  process.exit(2);
}
const release = JSON.parse(readFileSync(releaseFile, "utf8")) as ReleaseInfo;
const artifacts = Artifacts.parse({
  assets: ["app-*.tar.gz"],
  checksums: "SHA256SUMS",
  "max-size": 8 * 1024 ** 3,
});

const start = performance.now();
const verified = await fetchVerifiedRelease(
  { apiUrl, repository, token: "bench-token", fetch },
  release,
  artifacts,
  workDir,
);
const downloaded = performance.now();
await unpackRelease(verified, destDir, artifacts["max-size"]);
const end = performance.now();
process.stdout.write(
  `${JSON.stringify({
    ms: end - start,
    downloadVerifyMs: downloaded - start,
    extractMs: end - downloaded,
    maxRssKiB: process.resourceUsage().maxRSS,
    digest: verified.digest,
    sha256: verified.files.map((f) => f.sha256),
  })}\n`,
);
