import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
/** The pure core: decisions only, no I/O. */
const PURE = [
  "src/config",
  "src/pipeline",
  "src/gates",
  "src/commands",
  "src/runbook",
  "src/audit/timeline.ts",
  "src/audit/format.ts",
  "src/records",
  "src/verify/stats",
  "src/verify/canary",
  "src/verify/kinds",
  "src/verify/analysis.ts",
  "src/rollout/plan.ts",
  "src/artifacts/trust.ts",
];
const FORBIDDEN =
  /from\s+["'](node:)?(fs|fs\/promises|http|https|net|child_process|dgram|dns)["']|from\s+["'](probot|@octokit\/[^"']+|@actions\/[^"']+|nock|undici)["']|\bfetch\(/;

function files(path: string): string[] {
  const abs = join(root, path);
  try {
    if (statSync(abs).isFile()) return [abs];
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(abs, f));
}

describe("architecture", () => {
  it("keeps the core pure: no fs, network, child process, Probot, Octokit or Actions imports", () => {
    const offenders = PURE.flatMap(files)
      .filter((f) => FORBIDDEN.test(readFileSync(f, "utf8")))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it("gives the core no clock of its own: the time is always passed in", () => {
    const AMBIENT = /\bDate\.now\(\)|\bnew Date\(\)|\bperformance\.now\(\)/;
    const offenders = PURE.flatMap(files)
      .filter((f) => AMBIENT.test(readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  /**
   * Imports point inwards: shells (the Probot app, the Action, the CLI) may use the I/O adapters and the core;
   * adapters may use the core; the core uses neither; no shell uses another shell.
   */
  it("keeps the import direction: core <- adapters <- shells, and no shell imports another", () => {
    const layer = (file: string): string | undefined => {
      const rel = relative(root, file);
      if (rel.startsWith("action/src/")) return "action";
      if (rel.startsWith("src/app/")) return "app";
      if (rel.startsWith("src/cli/")) return "cli";
      if (rel.startsWith("src/github/")) return "adapter";
      return PURE.some((p) => rel === p || rel.startsWith(`${p}/`)) ? "core" : undefined;
    };
    const allowed: Record<string, string[]> = {
      core: ["core"],
      adapter: ["core", "adapter"],
      app: ["core", "adapter", "app"],
      action: ["core", "adapter", "action"],
      cli: ["core", "adapter", "cli"],
    };
    const offenders: string[] = [];
    for (const file of [...files("src"), ...files("action/src")]) {
      const from = layer(file);
      if (!from) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = join(file, "..", m[1]!.replace(/\.js$/, ".ts"));
        const to = layer(target);
        if (to && !allowed[from]!.includes(to))
          offenders.push(`${relative(root, file)} (${from}) imports ${relative(root, target)} (${to})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
