// `npm run bench`: Shipline's cost and speed, each figure beside a baseline measured in the same run.
// Options: --quick (small artifact, fewer webhook events), --only=api,minutes,webhooks,artifacts,fanout,stats,serverless,
// --events=N (webhook long run), --sizes=256,1024 (artifact sizes in MiB). Writes bench/results/latest.json
// (a partial run: latest-<sections>.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiCost, formatTransitions } from "./api-cost.js";
import { artifactsBench } from "./artifacts.js";
import { fanOut, gates, mannWhitney } from "./compute.js";
import { formatSection, machine, type Section } from "./report.js";
import { runnerMinutes } from "./runner-minutes.js";
import { serverlessBench } from "./serverless.js";
import { webhookBench } from "./webhooks.js";
import { ROOT } from "./world.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const quick = args.includes("--quick");
const only = flag("only")?.split(",");
const wants = (name: string) => !only || only.includes(name);
const sizes = (flag("sizes") ?? (quick ? "256" : "256,1024")).split(",").map(Number);
const events = Number(flag("events") ?? (quick ? 5_000 : 40_000));

const started = new Date();
const sections: Section[] = [];
const failures: { section: string; error: string }[] = [];
const m = machine();
console.log(
  `Shipline bench on ${m.cpu}, ${m.cores} cores, ${m.memoryMiB} MiB, Node ${m.node}${quick ? " (--quick)" : ""}\n`,
);

async function section(name: string, fn: () => Promise<Section> | Section, extra?: (s: Section) => string) {
  if (!wants(name)) return;
  const t0 = performance.now();
  try {
    const s = await fn();
    sections.push(s);
    console.log(formatSection(s));
    if (extra) console.log(extra(s));
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push({ section: name, error: text });
    console.log(`== ${name}: FAILED\n${text}\n`);
  }
}

await section("api", apiCost, formatTransitions);
await section("minutes", runnerMinutes);
await section("fanout", () => fanOut());
await section("stats", mannWhitney);
await section("stats", gates);
await section("artifacts", () => artifactsBench(sizes, quick ? 1 : 3));
await section("webhooks", () => webhookBench(events));
await section("serverless", () => serverlessBench(quick ? 3 : 5));

const missed = sections.flatMap((s) =>
  s.rows.filter((r) => r.met === false).map((r) => `${s.title}: ${r.name}`),
);
const results = {
  date: started.toISOString(),
  seconds: (Date.now() - started.getTime()) / 1000,
  machine: m,
  options: { quick, only: only ?? "all", artifactSizesMiB: sizes, webhookEvents: events },
  sections,
  targetsNotMet: missed,
  failures,
};
const out = join(ROOT, "bench/results");
mkdirSync(out, { recursive: true });
// A partial run (--only) must not overwrite the full results the docs quote.
const file = only ? `latest-${only.join("-")}.json` : "latest.json";
writeFileSync(join(out, file), `${JSON.stringify(results, null, 2)}\n`);
console.log(`targets not met: ${missed.length === 0 ? "none" : `\n  ${missed.join("\n  ")}`}`);
console.log(`wrote bench/results/${file} in ${results.seconds.toFixed(0)} s`);
if (failures.length > 0) process.exitCode = 1;
