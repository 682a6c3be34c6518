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

/**
 * The pipeline a deploy of `tag` runs in, by the rule the App, the Action and the CLI share: the pipeline whose
 * `tags` match the tag (one pipeline or several alike: a release its `tags` do not match is not deployed); a
 * named pipeline must exist and match the tag too.
 */
export function choosePipeline(
  config: Config,
  request: { tag: string; name?: string },
): { ok: true; pipeline: Pipeline } | { ok: false; error: string } {
  const names = config.pipelines.map((p) => p.name).join(", ");
  // A rollback run by hand may name no release at all: it goes back to whatever ran before.
  if (!request.tag) {
    const only = request.name
      ? config.pipelines.find((p) => p.name === request.name)
      : config.pipelines.length === 1
        ? config.pipelines[0]
        : undefined;
    return only
      ? { ok: true, pipeline: only }
      : { ok: false, error: `name the release or the pipeline (pipelines: ${names})` };
  }
  if (request.name) {
    const named = config.pipelines.find((p) => p.name === request.name);
    if (!named) return { ok: false, error: `no pipeline named "${request.name}" (pipelines: ${names})` };
    if (!matchesGlob(named.tags, request.tag))
      return {
        ok: false,
        error: `release ${request.tag} does not match the tags "${named.tags}" of pipeline "${named.name}", so Shipline does not deploy it`,
      };
    return { ok: true, pipeline: named };
  }
  const pipeline = pipelineForTag(config, request.tag);
  if (pipeline) return { ok: true, pipeline };
  return {
    ok: false,
    error: `release ${request.tag} matches no pipeline's tags (${config.pipelines.map((p) => `${p.name}: "${p.tags}"`).join(", ")}); fix \`tags\` or publish a tag that matches`,
  };
}
