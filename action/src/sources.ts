import { join } from "node:path";
import { fetchVerifiedRelease, unpackRelease } from "../../src/artifacts/fetch-release.js";
import type { ReleaseInfo } from "../../src/artifacts/release.js";
import { releaseDirName } from "../../src/rollout/drivers/release-dir.js";
import { lazySource, type ReleaseSource } from "../../src/rollout/source.js";
import { inGroup, type ModeContext } from "./context.js";

/**
 * A release's assets, downloaded into the work directory and verified on first use, extracted on first use.
 * `known` saves a second read of a release the mode has already fetched.
 */
export function releaseSource(context: ModeContext, tag: string, known?: ReleaseInfo): ReleaseSource {
  const dir = join(context.workDir, releaseDirName(tag));
  const artifacts = context.pipeline.artifacts;
  return lazySource(
    tag,
    async () => {
      const release = known ?? (await context.github.getReleaseByTag(tag));
      return inGroup(context.log, `Download and verify ${tag}`, () =>
        fetchVerifiedRelease(context.endpoint, release, artifacts, join(dir, "assets"), (line) =>
          context.log.info(line),
        ),
      );
    },
    (verified) => unpackRelease(verified, join(dir, "tree"), artifacts["max-size"]),
  );
}
