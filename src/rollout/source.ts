import type { VerifiedRelease } from "../artifacts/fetch-release.js";

/**
 * A release as the drivers see it: its version at once, its verified files and extracted tree only when a
 * driver asks (a directory rollback to a release the targets still keep downloads nothing).
 */
export interface ReleaseSource {
  readonly version: string;
  artifacts(): Promise<VerifiedRelease>;
  tree(): Promise<string>;
}

/** Memoises the loaders: one download and one extraction per release and run, whatever the number of targets. */
export function lazySource(
  version: string,
  load: () => Promise<VerifiedRelease>,
  unpack: (verified: VerifiedRelease) => Promise<string>,
): ReleaseSource {
  let artifacts: Promise<VerifiedRelease> | undefined;
  let tree: Promise<string> | undefined;
  const source: ReleaseSource = {
    version,
    artifacts: () => {
      artifacts ??= load();
      return artifacts;
    },
    tree: () => {
      tree ??= source.artifacts().then(unpack);
      return tree;
    },
  };
  return source;
}
