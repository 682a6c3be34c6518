// What the built-bundle tests share: the bundle rebuilt, a scratch folder, a workspace holding the config, the
// loopback GitHub serving releases of one real tarball each (with their SHA256SUMS), and the bundle run against it
// as a runner runs it. The config, the releases and the inputs stay in the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checksumFile, tarball } from "./assets.js";
import { type BundleRun, buildBundle, runBundle } from "./bundle.js";
import { type FakeAsset, FakeGitHub } from "./github.js";

export interface BundleWorld {
  /** The scratch folder (removed by `stop`). */
  root: string;
  github: FakeGitHub;
  /** GITHUB_WORKSPACE: `<root>/ws`, holding `.github/shipline.yml`. */
  workspace: string;
  /**
   * Runs the bundle in `acme/shop` with a token and `<root>/work` as work-dir; `inputs` and `env` add to (or
   * replace) those.
   */
  run(inputs: Record<string, string>, env?: Record<string, string>): Promise<BundleRun>;
  stop(): Promise<void>;
}

/** `app-<tag>.tar.gz` (a real tarball holding `files`, by default VERSION = tag) and its SHA256SUMS. */
export function tarballRelease(
  root: string,
  tag: string,
  files: Record<string, string> = { VERSION: tag },
): FakeAsset[] {
  const asset = { name: `app-${tag}.tar.gz`, data: tarball(root, files) };
  return [asset, { name: "SHA256SUMS", data: checksumFile([asset]) }];
}

export async function startBundleWorld(options: {
  /** Names the scratch folder: shipline-<name>-XXXXXX. */
  name: string;
  /** .github/shipline.yml in the workspace, given the scratch folder (driver paths point into it). */
  config?: (root: string) => string;
  /** Tags published with `tarballRelease`, in order. */
  releases?: string[];
}): Promise<BundleWorld> {
  buildBundle();
  const root = mkdtempSync(join(tmpdir(), `shipline-${options.name}-`));
  const workspace = join(root, "ws");
  if (options.config) {
    mkdirSync(join(workspace, ".github"), { recursive: true });
    writeFileSync(join(workspace, ".github/shipline.yml"), options.config(root));
  }
  const github = new FakeGitHub();
  for (const tag of options.releases ?? []) github.addRelease(tag, tarballRelease(root, tag));
  await github.start();
  return {
    root,
    github,
    workspace,
    run: (inputs, env = {}) =>
      runBundle(
        root,
        { token: "ghs_tok", "work-dir": join(root, "work"), ...inputs },
        { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: workspace, ...env },
      ),
    async stop() {
      await github.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
