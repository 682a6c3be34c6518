export { githubDigest, parseChecksums } from "./checksums.js";
export { type Downloaded, downloadAsset, type Fetch } from "./download.js";
export { ArtifactError } from "./errors.js";
export { extractArtifact, findEscapingLink } from "./extract.js";
export {
  type AssetEndpoint,
  combinedDigest,
  fetchVerifiedRelease,
  type LocalArtifact,
  unpackRelease,
  type VerifiedRelease,
} from "./fetch-release.js";
export { artifactKind } from "./kind.js";
export type { ReleaseAsset, ReleaseInfo } from "./release.js";
export { selectAssets } from "./select.js";
