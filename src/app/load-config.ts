import { CONFIG_PATH, parseConfig } from "../config/index.js";
import type { ConfigResult } from "../config/types.js";
import type { GitHubGateway } from "../github/gateway.js";

/**
 * The repository's `.github/shipline.yml` at `ref` (the release tag: the same file the deploy job reads),
 * over the organisation's defaults from its `.github` repository when that file exists. Undefined when the
 * repository has no config: Shipline then stays silent.
 */
export async function loadConfig(gw: GitHubGateway, ref: string): Promise<ConfigResult | undefined> {
  const text = await gw.readFile(CONFIG_PATH, ref);
  if (text === undefined) return undefined;
  const orgDefaults =
    gw.repo.repo === ".github"
      ? undefined
      : await gw
          .readFile(CONFIG_PATH, undefined, { owner: gw.repo.owner, repo: ".github" })
          .catch(() => undefined);
  return parseConfig(text, orgDefaults === undefined ? {} : { orgDefaults });
}
