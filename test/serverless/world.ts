// What the serverless tests share: the serverless entries built, a scratch folder, the GitHub stand-in holding the
// App's webhook secret, and releases published on it with the release.published webhook GitHub would sign and
// send. Which host runs the function (a Lambda runtime, a Node server) and the config stay in the test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { type RunningStandin, startStandin } from "../../tools/standin/index.js";
import { releasePayload } from "../../tools/standin/payloads.js";
import type { Release } from "../../tools/standin/state.js";
import { buildServerless, functionEnv, sign } from "./invoke.js";

export const APP_ID = 1234;
const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

export interface ServerlessWorld {
  gh: RunningStandin;
  /** The scratch folder (removed by `stop`): the targets live below it. */
  root: string;
  /** The function's environment for this stand-in and secret (credentials, GHE_HOST). */
  env: Record<string, string>;
  /** Publishes `tag` (one real tarball and its SHA256SUMS, by github-actions[bot]) on the stand-in. */
  publish(tag: string): { release: Release; payload: ReturnType<typeof releasePayload>; raw: string };
  /** X-Hub-Signature-256 of `raw` with the App's webhook secret. */
  sign(raw: string): string;
  stop(): Promise<void>;
}

export async function startServerlessWorld(options: {
  /** Names the scratch folder: shipline-<name>-XXXXXX. */
  name: string;
  secret: string;
  /** .github/shipline.yml on the default branch, given the scratch folder; a test may set it later instead. */
  config?: (root: string) => string;
  /** Workflows the repository has (dispatching another answers 404); the stand-in's default otherwise. */
  workflows?: string[];
}): Promise<ServerlessWorld> {
  buildServerless();
  const root = mkdtempSync(join(tmpdir(), `shipline-${options.name}-`));
  const gh = await startStandin({
    repo: "acme/web",
    webhookSecret: options.secret,
    appId: APP_ID,
    ...(options.workflows ? { workflows: options.workflows } : {}),
  });
  if (options.config) gh.standin.setFile(".github/shipline.yml", options.config(root));
  return {
    gh,
    root,
    env: functionEnv(gh.url, APP_ID, options.secret),
    publish(tag) {
      const release = gh.standin.createRelease({ tag, assets: releaseAssets(root, tag), author: BOT });
      const payload = releasePayload(gh.standin.payloadContext(gh.standin.repo()), "published", release, BOT);
      return { release, payload, raw: JSON.stringify(payload) };
    },
    sign: (raw) => sign(options.secret, raw),
    async stop() {
      await gh.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
