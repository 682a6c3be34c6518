// A release as the pure pipeline sees it (src/pipeline/types.ts), for tests that drive the state machine directly.
import type { Release } from "../../src/pipeline/types.js";

/** v2 at commit a…a by alice, published, with one uploaded asset built by CI (github-actions[bot]). */
export function pipelineRelease(fields: Partial<Release> = {}): Release {
  return {
    id: 1,
    tag: "v2",
    sha: "a".repeat(40),
    author: "alice",
    draft: false,
    prerelease: false,
    htmlUrl: "",
    assets: [
      {
        id: 1,
        name: "a.tar.gz",
        size: 1,
        state: "uploaded",
        digest: `sha256:${"0".repeat(64)}`,
        uploader: { login: "github-actions[bot]", type: "Bot" },
      },
    ],
    ...fields,
  };
}
