import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { isMapping, mergeDefaults } from "./merge.js";
import { formatPath, issueProblems, locate, type Source } from "./problems.js";
import { resolveConfig } from "./resolve.js";
import { ConfigFile } from "./schema/pipeline.js";
import type { ConfigProblem, ConfigResult } from "./types.js";

export const CONFIG_PATH = ".github/shipline.yml";
/** Bounds that keep a hostile file from costing more than a normal one. */
export const MAX_CONFIG_BYTES = 256 * 1024;
const MAX_ALIASES = 100;

function read(text: string, file: string): { source?: Source; problems: ConfigProblem[] } {
  if (Buffer.byteLength(text, "utf8") > MAX_CONFIG_BYTES) {
    return { problems: [{ path: file, message: `file is larger than ${MAX_CONFIG_BYTES / 1024} KiB` }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { path: file, line: pos.line, column: pos.col, message: e.message.split("\n")[0] ?? e.message };
  });
  return { source: { text, doc, lines }, problems };
}

function toData(source: Source, file: string): { data?: unknown; problems: ConfigProblem[] } {
  try {
    const data = source.doc.toJS({ maxAliasCount: MAX_ALIASES });
    if (data !== null && data !== undefined && !isMapping(data)) {
      return {
        problems: [{ path: file, line: 1, message: "the file must be a YAML mapping (key: value pairs)" }],
      };
    }
    return { data: data ?? {}, problems: [] };
  } catch (error) {
    return { problems: [{ path: file, message: error instanceof Error ? error.message : String(error) }] };
  }
}

export { formatPath, locate };

function zodProblems(error: z.ZodError, data: unknown, source: Source | undefined): ConfigProblem[] {
  return error.issues.flatMap((issue) => issueProblems(issue, ConfigFile, data, source));
}

export interface ParseOptions {
  /** Text of the organisation-wide defaults file (the org's `.github` repository), applied under the repo's file. */
  orgDefaults?: string;
  file?: string;
}

/**
 * Parses and validates a Shipline config file. Never throws: every problem comes back with its path in the
 * YAML and, where the node exists in the repository's file, its line and column.
 */
export function parseConfig(text: string, options: ParseOptions = {}): ConfigResult {
  const file = options.file ?? CONFIG_PATH;
  const repo = read(text, file);
  if (repo.problems.length || !repo.source) return { ok: false, problems: repo.problems };
  const repoData = toData(repo.source, file);
  if (repoData.problems.length) return { ok: false, problems: repoData.problems };

  let data = repoData.data;
  if (options.orgDefaults !== undefined) {
    const orgFile = `organisation defaults (.github repository, ${CONFIG_PATH})`;
    const org = read(options.orgDefaults, orgFile);
    const orgData = org.source ? toData(org.source, orgFile) : { problems: [] };
    const problems = [...org.problems, ...orgData.problems];
    if (problems.length) return { ok: false, problems };
    data = mergeDefaults(orgData.data ?? {}, data);
  }

  const parsed = ConfigFile.safeParse(data);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error, data, repo.source) };
  const resolved = resolveConfig(parsed.data);
  if (!resolved.ok) {
    return {
      ok: false,
      problems: resolved.problems.map((p) => ({
        path: formatPath(p.path),
        message: p.message,
        ...locate(repo.source, p.path),
      })),
    };
  }
  return { ok: true, config: resolved.config };
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map(
      (p) =>
        `${p.path}${p.line ? ` (line ${p.line}${p.column ? `, column ${p.column}` : ""})` : ""}: ${p.message}`,
    )
    .join("\n");
}
