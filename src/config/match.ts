import type { Config, Pipeline } from "./types.js";

/** Turns a tag glob ("api/v*", "v?.*") into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

export function matchesGlob(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}

/** The pipeline a release tag belongs to: the first, in file order, whose `tags` glob matches. */
export function pipelineForTag(config: Config, tag: string): Pipeline | undefined {
  return config.pipelines.find((p) => matchesGlob(p.tags, tag));
}
