import type { ConfigResult } from "../config/types.js";
import { CONFIG_CHECK } from "./identity.js";
import { configFailure } from "./published.js";
import type { Effect, Snapshot } from "./types.js";

/**
 * The `shipline / config` check run for a commit that changed .github/shipline.yml: its problems, or what
 * Shipline read from it, and whether a committed RUNBOOK.md still matches it.
 */
export function configCheck(
  sha: string,
  config: ConfigResult,
  runbook?: { current: boolean; reason?: string },
): Extract<Effect, { kind: "create-check" }> {
  const snapshot: Snapshot = {
    release: { id: 0, tag: "", sha, author: "", draft: false, prerelease: false, htmlUrl: "", assets: [] },
    checkRuns: [],
  };
  if (!config.ok)
    return configFailure(snapshot, config).effects[0] as Extract<Effect, { kind: "create-check" }>;
  const lines = config.config.pipelines.map(
    (p) => `- \`${p.name}\` (tags \`${p.tags}\`): ${p.stages.map((s) => s.name).join(" → ")}`,
  );
  const stale = runbook && !runbook.current;
  return {
    kind: "create-check",
    name: CONFIG_CHECK,
    status: "completed",
    conclusion: stale ? "neutral" : "success",
    title: stale ? "Configuration is valid; RUNBOOK.md is out of date" : "Configuration is valid",
    summary: [
      "Shipline read `.github/shipline.yml`:",
      "",
      ...lines,
      ...(stale
        ? [
            "",
            `**RUNBOOK.md no longer matches this config**: ${runbook.reason ?? ""}`,
            "",
            "Regenerate it with `node shipline.mjs runbook` and commit it.",
          ]
        : []),
    ].join("\n"),
  };
}
