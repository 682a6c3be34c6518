/**
 * Markdown for the stage's check run and the job summary: the outcome and why, a table of every round
 * (a column per check), the latest round in detail, the canary metrics, and a Mermaid `xychart-beta` line
 * chart of each check's value per round. Pure.
 */
import type { JudgeResult } from "./canary/judge.js";
import type { Kind, Outcome, Phase, Round } from "./types.js";

export interface ReportInput {
  stage: string;
  release: string;
  outcome: Outcome | "running";
  reason: string;
  rounds: readonly Round[];
}

/** GitHub rejects check run summaries over 65535 characters. */
export const MAX_REPORT_CHARS = 60_000;
const MAX_TABLE_ROUNDS = 30;

const ICON: Record<Phase, string> = { Successful: "✅", Failed: "❌", Inconclusive: "❔", Error: "⚠️" };
const HEADLINE: Record<ReportInput["outcome"], string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  inconclusive: "❔ inconclusive: waiting for a human",
  error: "⚠️ could not measure",
  running: "⏳ running",
};
const UNIT: Record<Kind, string> = {
  smoke: "failing targets",
  threshold: "value",
  derivative: "change per minute",
  sigma: "deviations from the mean (σ)",
  "log-errors": "errors in the window",
  canary: "score",
  command: "failing tests",
  workflow: "failed runs",
};

export function num(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  return Number(v.toPrecision(4)).toString();
}

/** A number Mermaid parses: no exponent notation. */
function chartNumber(v: number): string {
  if (Math.abs(v) < 1e-9) return "0";
  const fixed = v.toFixed(Math.max(0, Math.min(12, 4 - Math.floor(Math.log10(Math.abs(v))))));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function columns(rounds: readonly Round[]): { name: string; kind: Kind }[] {
  const seen = new Map<string, Kind>();
  for (const r of rounds) for (const c of r.results) if (!seen.has(c.name)) seen.set(c.name, c.kind);
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

function roundsTable(rounds: readonly Round[]): string {
  const cols = columns(rounds);
  const start = rounds[0]?.at ?? 0;
  const shown = rounds.slice(-MAX_TABLE_ROUNDS);
  const lines = [
    `| Round | At | ${cols.map((c) => cell(c.name)).join(" | ")} |`,
    `|---:|---:|${cols.map(() => "---").join("|")}|`,
  ];
  if (shown.length < rounds.length) lines.push(`| … | | ${cols.map(() => "").join(" | ")} |`);
  for (const r of shown) {
    const cells = cols.map((c) => {
      const result = r.results.find((x) => x.name === c.name);
      if (!result) return "";
      const m = result.measurement;
      return `${ICON[m.phase]} ${m.value !== undefined ? num(m.value) : ""}${m.noData ? " (no data)" : ""}`.trim();
    });
    lines.push(`| ${r.index} | +${Math.round((r.at - start) / 1000)}s | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function latestTable(round: Round): string {
  const lines = [`| Check | Kind | Result | Value | Detail |`, `|---|---|---|---:|---|`];
  for (const r of round.results) {
    const m = r.measurement;
    lines.push(
      `| ${cell(r.name)} | ${r.kind} | ${ICON[m.phase]} ${m.phase}${m.noData ? " (no data)" : ""} | ${num(m.value)} | ${cell(m.message)}${m.link ? ` ([run](${m.link.url}))` : ""} |`,
    );
  }
  return lines.join("\n");
}

/** The newest result of each check that ran tests (a JUnit report) or a workflow (a run link). */
function testResults(rounds: readonly Round[]): { round: number; result: Round["results"][number] }[] {
  const latest = new Map<string, { round: number; result: Round["results"][number] }>();
  for (const r of rounds)
    for (const result of r.results)
      if (result.measurement.tests || result.measurement.link)
        latest.set(result.name, { round: r.index, result });
  return [...latest.values()];
}

/** JUnit counts and first failures of command checks, and the runs of workflow checks. */
function testsSection(rounds: readonly Round[]): string[] {
  const entries = testResults(rounds);
  if (entries.length === 0) return [];
  const lines = [
    "",
    "#### Tests",
    "",
    `| Check | Round | Result | Tests | Failed | Errors | Skipped | Time | Run |`,
    `|---|---:|---|---:|---:|---:|---:|---:|---|`,
  ];
  const failures: string[] = [];
  for (const { round, result } of entries) {
    const m = result.measurement;
    const t = m.tests && !m.tests.problem ? m.tests : undefined;
    const run = m.link ? `[${cell(m.link.title)}](${m.link.url})` : "";
    lines.push(
      `| ${cell(result.name)} | ${round} | ${ICON[m.phase]} ${m.phase} | ${t ? t.tests : "–"} | ${t ? t.failures : "–"} | ${t ? t.errors : "–"} | ${t ? t.skipped : "–"} | ${t?.time !== undefined ? `${num(t.time)} s` : "–"} | ${run} |`,
    );
    if (m.tests?.problem) failures.push(`- ${cell(result.name)}: JUnit report: ${cell(m.tests.problem)}`);
    if (t?.firstFailures.length) {
      failures.push(`First failures of ${cell(result.name)} (round ${round}):`, "");
      for (const f of t.firstFailures)
        failures.push(`- \`${f.name.replace(/`/g, "'")}\`: ${cell(f.message)}`);
      const more = t.failures + t.errors - t.firstFailures.length;
      if (more > 0) failures.push(`- … and ${more} more`);
    }
  }
  return failures.length ? [...lines, "", ...failures] : lines;
}

function canaryTable(result: JudgeResult): string {
  const lines = [
    `| Metric | Classification | Canary mean (n) | Baseline mean (n) | Ratio | p-value | Weight | Critical | Why |`,
    `|---|---|---:|---:|---:|---:|---:|---|---|`,
  ];
  for (const m of result.metrics) {
    const icon = m.passed === true ? "✅" : m.passed === false ? "❌" : "❔";
    lines.push(
      `| ${cell(m.name)} | ${icon} ${m.classification} | ${num(m.canaryMean)} (${m.canaryCount}) | ${num(m.baselineMean)} (${m.baselineCount}) | ${num(m.ratio)} | ${num(m.pValue)} | ${m.weight} | ${m.critical ? "yes" : ""} | ${cell(m.reason)} |`,
    );
  }
  return lines.join("\n");
}

function chart(
  title: string,
  yTitle: string,
  xs: string[],
  lines: string[][],
  yRange?: [number, number],
): string {
  return [
    "```mermaid",
    "xychart-beta",
    `  title ${quote(title)}`,
    `  x-axis "round" [${xs.join(", ")}]`,
    `  y-axis ${quote(yTitle)}${yRange ? ` ${yRange[0]} --> ${yRange[1]}` : ""}`,
    ...lines.map((values) => `  line [${values.join(", ")}]`),
    "```",
  ].join("\n");
}

/** A line needs two points: one round is a number in the tables, not a chart with empty axes. */
const MIN_CHART_POINTS = 2;

/** One chart per check that has a finite value in at least two rounds; rounds without one are left out. */
export function charts(rounds: readonly Round[]): string[] {
  const out: string[] = [];
  for (const col of columns(rounds)) {
    const points = rounds.flatMap((r) => {
      const v = r.results.find((x) => x.name === col.name)?.measurement.value;
      return v !== undefined && Number.isFinite(v) ? [{ x: String(r.index), v }] : [];
    });
    if (points.length < MIN_CHART_POINTS) continue;
    out.push(
      chart(
        `${col.name} per round`,
        UNIT[col.kind],
        points.map((p) => p.x),
        [points.map((p) => chartNumber(p.v))],
        col.kind === "canary" ? [0, 100] : undefined,
      ),
    );
  }
  // Canary metrics: canary mean (first line) and baseline mean (second line) per round.
  const metricNames = new Set(
    rounds.flatMap((r) => r.results.flatMap((x) => x.canary?.metrics.map((m) => m.name) ?? [])),
  );
  for (const name of metricNames) {
    const points = rounds.flatMap((r) => {
      const m = r.results.flatMap((x) => x.canary?.metrics ?? []).find((x) => x.name === name);
      return m?.canaryMean !== undefined &&
        m.baselineMean !== undefined &&
        Number.isFinite(m.canaryMean) &&
        Number.isFinite(m.baselineMean)
        ? [{ x: String(r.index), c: m.canaryMean, b: m.baselineMean }]
        : [];
    });
    if (points.length < MIN_CHART_POINTS) continue;
    out.push(
      chart(
        `${name}: canary (first line) vs baseline (second line), mean per round`,
        "mean",
        points.map((p) => p.x),
        [points.map((p) => chartNumber(p.c)), points.map((p) => chartNumber(p.b))],
      ),
    );
  }
  return out;
}

/**
 * The report starts with a bold line, not a heading: the check run and the job summary put it under their own
 * "Verification" heading, and a second one saying the same would double it.
 */
export function renderReport(input: ReportInput): string {
  const head = [
    `**${input.release} in ${input.stage}: ${HEADLINE[input.outcome]}**`,
    "",
    input.reason.split("\n").join("  \n"),
  ];
  if (input.rounds.length === 0) return head.join("\n");
  const last = input.rounds[input.rounds.length - 1]!;
  const canary = last.results.find((r) => r.canary)?.canary;
  const body = [
    "",
    `#### Rounds`,
    "",
    roundsTable(input.rounds),
    "",
    `#### Round ${last.index} in detail`,
    "",
    latestTable(last),
    ...testsSection(input.rounds),
    ...(canary?.metrics.length
      ? ["", `#### Canary metrics (round ${last.index})`, "", canaryTable(canary)]
      : []),
  ];
  const text = [...head, ...body].join("\n");
  const drawn = charts(input.rounds);
  const chartText = drawn.length
    ? ["", "", "#### Charts", "", ...drawn.flatMap((c) => [c, ""])].join("\n")
    : "";
  if (text.length + chartText.length <= MAX_REPORT_CHARS) return text + chartText;
  if (text.length <= MAX_REPORT_CHARS) return text;
  return `${text.slice(0, MAX_REPORT_CHARS)}\n\n… (report cut to fit GitHub's limit)`;
}
