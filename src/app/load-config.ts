import { CONFIG_PATH, parseConfig } from "../config/index.js";
import type { ConfigResult } from "../config/types.js";
import type { GitHubGateway } from "../github/gateway.js";

/**
 * Parsed configs by their inputs (the file's text and the organisation defaults' text): parsing is a pure
 * function of both, so an event that reads the same file again (a 304 from the file cache, a redelivery,
 * every deployment_status of a release) skips YAML and zod. Bounded, least recently used first out; the results
 * are frozen because every event of the process shares them. A cache, not state: losing it costs CPU only.
 */
const MAX_PARSED = 50;
const parsed = new Map<string, ConfigResult>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `parseConfig(text, { orgDefaults })`, remembered for the same two texts. */
export function parseCached(text: string, orgDefaults: string | undefined): ConfigResult {
  const key = orgDefaults === undefined ? `r\0${text}` : `o\0${orgDefaults}\0${text}`;
  const known = parsed.get(key);
  if (known) {
    parsed.delete(key);
    parsed.set(key, known);
    return known;
  }
  const result = deepFreeze(parseConfig(text, orgDefaults === undefined ? {} : { orgDefaults }));
  parsed.set(key, result);
  while (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  return result;
}

/**
 * The repository's `.github/shipline.yml` at `ref` (the release tag: the same file the deploy job reads;
 * empty: the default branch), over the organisation's defaults from its `.github` repository when that file
 * exists. Undefined when the repository has no config: Shipline then stays silent.
 */
export async function readConfig(
  gw: GitHubGateway,
  ref: string,
): Promise<{ text: string; result: ConfigResult; orgDefaults?: string } | undefined> {
  // Read together: one round trip, not two, for an organisation with defaults (a repeated read of either is a
  // conditional request, free against the rate limit; a missing defaults file is remembered for a minute).
  const [text, orgDefaults] = await Promise.all([
    gw.readFile(CONFIG_PATH, ref || undefined),
    gw.repo.repo === ".github"
      ? undefined
      : gw.readFile(CONFIG_PATH, undefined, { owner: gw.repo.owner, repo: ".github" }).catch(() => undefined),
  ]);
  if (text === undefined) return undefined;
  return {
    text,
    result: parseCached(text, orgDefaults),
    ...(orgDefaults === undefined ? {} : { orgDefaults }),
  };
}

export async function loadConfig(gw: GitHubGateway, ref: string): Promise<ConfigResult | undefined> {
  return (await readConfig(gw, ref))?.result;
}
