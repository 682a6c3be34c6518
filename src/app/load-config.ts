import { CONFIG_PATH, parseConfig } from "../config/index.js";
import type { ConfigResult } from "../config/types.js";
import type { GitHubGateway } from "../github/gateway.js";

/**
 * The repository's `.github/shipline.yml` at `ref` (the release tag: the same file the deploy job reads;
 * empty: the default branch), over the organisation's defaults from its `.github` repository when that file
 * exists. Undefined when the repository has no config: Shipline then stays silent.
 */
export async function readConfig(
  gw: GitHubGateway,
  ref: string,
): Promise<{ text: string; result: ConfigResult; orgDefaults?: string } | undefined> {
  const text = await gw.readFile(CONFIG_PATH, ref || undefined);
  if (text === undefined) return undefined;
  const orgDefaults =
    gw.repo.repo === ".github"
      ? undefined
      : await gw
          .readFile(CONFIG_PATH, undefined, { owner: gw.repo.owner, repo: ".github" })
          .catch(() => undefined);
  return {
    text,
    result: parseConfig(text, orgDefaults === undefined ? {} : { orgDefaults }),
    ...(orgDefaults === undefined ? {} : { orgDefaults }),
  };
}

export async function loadConfig(gw: GitHubGateway, ref: string): Promise<ConfigResult | undefined> {
  return (await readConfig(gw, ref))?.result;
}
