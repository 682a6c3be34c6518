import type { InstallMode } from "../config/vocabulary.js";
import type { RunReport, WaveReport } from "./execute.js";

export interface SummaryHeader {
  mode: InstallMode;
  release: string;
  previous: string | null;
  stage: string;
  environment: string;
  pipeline: string;
  driver: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
/** Mermaid labels are quoted; quotes and brackets inside would end them. */
const mermaidText = (text: string) => text.replace(/["[\]{}<>]/g, "'");

/** A left-to-right flowchart of the waves, coloured by outcome. */
export function wavesMermaid(waves: readonly WaveReport[], restored: boolean): string {
  const lines = ["```mermaid", "flowchart LR"];
  waves.forEach((w, i) => {
    const count = w.wave.targets.length;
    const label = `${mermaidText(`Wave ${w.wave.index}: ${w.wave.label}`)}<br/>${count} target${count === 1 ? "" : "s"}`;
    lines.push(`  w${i + 1}["${label}"]`);
  });
  if (waves.length > 1) lines.push(`  ${waves.map((_, i) => `w${i + 1}`).join(" --> ")}`);
  if (restored)
    lines.push(`  rb(["rolled back"])`, `  w${waves.findIndex((w) => w.status === "failed") + 1} -.-> rb`);
  lines.push(
    "  classDef succeeded fill:#d1f7d6,stroke:#1a7f37",
    "  classDef failed fill:#ffd8d3,stroke:#cf222e",
    "  classDef pending fill:#eeeeee,stroke:#8c959f",
  );
  waves.forEach((w, i) => {
    const cls = w.status === "not started" ? "pending" : w.status;
    lines.push(`  class w${i + 1} ${cls}`);
  });
  lines.push("```");
  return lines.join("\n");
}

/** The job summary: release, stage, targets per wave with timings, the waves diagram, and any rollback. */
export function summaryMarkdown(header: SummaryHeader, report: RunReport): string {
  const verb = header.mode === "rollback" ? "Rollback" : "Rollout";
  const outcome = report.ok ? "succeeded" : report.restored.length ? "failed and was rolled back" : "failed";
  const out: string[] = [
    `## Shipline ${verb.toLowerCase()} of ${header.release} to ${header.stage}: ${outcome}`,
    "",
    "| | |",
    "|---|---|",
    `| Release | \`${header.release}\` |`,
    `| Previous release | ${header.previous ? `\`${header.previous}\`` : "none"} |`,
    `| Stage | ${header.stage} (environment ${header.environment}, pipeline ${header.pipeline}) |`,
    `| Driver | ${header.driver} |`,
    "",
    wavesMermaid(report.waves, report.restored.length > 0),
    "",
    "| Wave | Targets | Status | Time |",
    "|---|---|---|---|",
  ];
  for (const w of report.waves) {
    const targets = w.wave.targets.map((t) => `${t.name} (${t.region})`).join(", ");
    out.push(
      `| ${w.wave.index}: ${escapeCell(w.wave.label)} | ${escapeCell(targets)} | ${w.status} | ${seconds(w.ms)} |`,
    );
  }
  const failed = report.waves.flatMap((w) => w.targets).filter((t) => t.status === "failed");
  if (failed.length) {
    out.push("", "### Failures", "");
    for (const t of failed) out.push(`- **${t.target.name}**: ${escapeCell(t.detail)}`);
  }
  if (report.restored.length) {
    out.push("", "### Rolled back", "", "| Target | Result |", "|---|---|");
    for (const r of report.restored) out.push(`| ${r.target.name} | ${r.status}: ${escapeCell(r.detail)} |`);
  }
  if (!report.ok)
    out.push(
      "",
      `**What next:** fix the cause above and publish a new release, or roll back with \`/rollback\` on the release commit.`,
    );
  return `${out.join("\n")}\n`;
}
