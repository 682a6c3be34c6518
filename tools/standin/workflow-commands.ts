// The runner's side of workflow commands: `::error title=...::message` lines a step prints become annotations on
// the job's check run, as GitHub Actions does (property and message escapes per @actions/core's command.ts).
import type { Annotation } from "./state.js";

const LEVELS: Record<string, Annotation["level"]> = {
  error: "failure",
  warning: "warning",
  notice: "notice",
};

const unescapeData = (s: string) => s.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
const unescapeProperty = (s: string) =>
  s
    .replace(/%0D/gi, "\r")
    .replace(/%0A/gi, "\n")
    .replace(/%3A/gi, ":")
    .replace(/%2C/gi, ",")
    .replace(/%25/g, "%");

/** Annotations from a step's output; a command without `file` lands on `.github` line 1, as on GitHub. */
export function annotationsFromOutput(output: string): Annotation[] {
  const found: Annotation[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line.trimStart());
    if (!m) continue;
    const [, command = "", rawProps = "", message = ""] = m;
    const props: Record<string, string> = {};
    for (const pair of rawProps.split(",")) {
      const eq = pair.indexOf("=");
      if (eq > 0) props[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    const start = Number(props.line ?? 1) || 1;
    found.push({
      level: LEVELS[command] ?? "notice",
      title: props.title ?? null,
      message: unescapeData(message),
      path: props.file ?? ".github",
      startLine: start,
      endLine: Number(props.endLine ?? start) || start,
    });
  }
  return found;
}
