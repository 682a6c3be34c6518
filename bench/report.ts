// Rows, tables and the machine description shared by every bench section.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One measured figure beside its same-run baseline. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run (undefined: the figure has a fixed target instead). */
  baseline?: number;
  baselineLabel?: string;
  /** value / baseline, when there is a baseline. */
  ratio?: number;
  /** Human-readable target, e.g. "<= 1.3x" or "<= 12". */
  target?: string;
  /** undefined: informational, no target. */
  met?: boolean;
  note?: string;
}

export interface Section {
  title: string;
  rows: Row[];
  /** Extra structured data (per-endpoint counts, sizes used, ...). */
  detail?: unknown;
  notes?: string[];
}

export function row(r: Omit<Row, "ratio">): Row {
  const ratio = r.baseline !== undefined && r.baseline > 0 ? r.value / r.baseline : undefined;
  return { ...r, ...(ratio === undefined ? {} : { ratio }) };
}

const fmt = (n: number | undefined): string => {
  if (n === undefined) return "-";
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(3);
};

export function formatSection(section: Section): string {
  const head = ["figure", "value", "baseline", "ratio", "target", "met"];
  const body = section.rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.baseline === undefined ? "-" : `${fmt(r.baseline)} ${r.unit} (${r.baselineLabel ?? "baseline"})`,
    r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}x`,
    r.target ?? "-",
    r.met === undefined ? "-" : r.met ? "met" : "NOT MET",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [`== ${section.title}`, line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
  for (const note of section.notes ?? []) out.push(`  note: ${note}`);
  return out.join("\n");
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryMiB: number;
  node: string;
  os: string;
  tar?: string;
  curl?: string;
}

function firstLine(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  } catch {
    return undefined;
  }
}

export function machine(): Machine {
  let os: string = process.platform;
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    os = /PRETTY_NAME="([^"]+)"/.exec(release)?.[1] ?? os;
  } catch {}
  const tar = firstLine("tar", ["--version"]);
  const curl = firstLine("curl", ["--version"]);
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os,
    ...(tar ? { tar } : {}),
    ...(curl ? { curl: curl.split(" ").slice(0, 2).join(" ") } : {}),
  };
}

/** Percentile (0..100) of already sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
