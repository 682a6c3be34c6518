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
  "src/audit/records.ts",
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
});
