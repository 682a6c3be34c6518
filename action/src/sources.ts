import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ArtifactError } from "../../src/artifacts/errors.js";
import { fetchVerifiedRelease, unpackRelease } from "../../src/artifacts/fetch-release.js";
import { type NamedTrustedRoot, parseTrustedRoot } from "../../src/artifacts/provenance.js";
import type { ReleaseInfo } from "../../src/artifacts/release.js";
import { releaseDirName } from "../../src/rollout/drivers/release-dir.js";
import { lazySource, type ReleaseSource } from "../../src/rollout/source.js";
import { inGroup, type ModeContext } from "./context.js";

/** `artifacts.provenance.trusted-root`, read from the checked-out workspace (where the config is read too). */
async function extraTrustedRoots(context: ModeContext): Promise<NamedTrustedRoot[]> {
  const path = context.pipeline.artifacts.provenance?.["trusted-root"];
  if (!path) return [];
  const text = await readFile(resolve(context.workspace, path), "utf8").catch(() => {
    throw new ArtifactError(
      `artifacts.provenance.trusted-root: ${path} is not in the workspace; check out the repository before Shipline runs. Nothing was deployed.`,
    );
  });
  try {
    return [parseTrustedRoot(path, text)];
  } catch (error) {
    throw new ArtifactError(
      `artifacts.provenance.trusted-root: ${(error as Error).message}. Nothing was deployed.`,
    );
  }
}

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
      const roots = await extraTrustedRoots(context);
      return inGroup(context.log, `Download and verify ${tag}`, () =>
        fetchVerifiedRelease(
          context.endpoint,
          release,
          artifacts,
          join(dir, "assets"),
          (line) => context.log.info(line),
          { roots, warn: (line) => context.log.warning(line) },
        ),
      );
    },
    (verified) => unpackRelease(verified, join(dir, "tree"), artifacts["max-size"]),
  );
}
