// `npm run demo`: Shipline end to end on this machine, without registering a GitHub App. The real App runs under
// `probot run` against the local GitHub stand-in; the real Action installs releases into folders under a temporary
// directory. Release v1.0.0 goes through staging, canary and production; v1.1.0 fails the canary's verification
// against a real Prometheus (its error ratio is 30%) and is rolled back automatically. Without /usr/bin/prometheus
// the canary fails its install instead. Prints a timeline and writes every check run's summary to
// demo-output/<release>/.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type MetricsService, startMetricsService } from "../test/support/metrics-service.js";
import { type PrometheusServer, prometheusBinary, startPrometheus } from "../test/support/prometheus.js";
import { buildApp, ROOT } from "./e2e/app.js";
import { installScript, threeStagesCommand, threeStagesVerified } from "./e2e/configs.js";
import { formatTimeline, timeline } from "./e2e/timeline.js";
import { startWorld, type World } from "./e2e/world.js";

const OUT = join(ROOT, "demo-output");
const HOSTS = ["stg-1", "web-1", "web-2", "web-3", "web-4"];

const say = (line = "") => process.stdout.write(`${line}\n`);
const fileName = (check: string) => `${check.replace(/\s*\/\s*/g, "-").replace(/[^A-Za-z0-9._-]/g, "_")}.md`;

function writeSummaries(world: World, tag: string, sha: string): string[] {
  const dir = join(OUT, tag);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  // Shipline's own check runs (the deploy jobs' check runs belong to GitHub Actions).
  for (const c of world.repo.checkRuns.filter((run) => run.headSha === sha && !run.owner)) {
    const state = c.status === "completed" ? (c.conclusion ?? "completed") : c.status;
    const body = [
      `# ${c.name}: ${state}`,
      "",
      `## ${c.output.title ?? ""}`,
      "",
      c.output.summary ?? "",
      c.output.text ?? "",
    ];
    const path = join(dir, fileName(c.name));
    writeFileSync(path, `${body.join("\n").trimEnd()}\n`);
    written.push(relative(ROOT, path));
  }
  for (const a of world.actions.filter((x) => x.job.ref === tag || x.job.inputs.from === tag)) {
    const jobs = join(OUT, a.job.inputs.from ?? tag, "jobs");
    mkdirSync(jobs, { recursive: true });
    const path = join(jobs, `${a.job.runId}-${a.job.inputs.stage}-${a.job.inputs.mode}.md`);
    writeFileSync(path, a.result.summary || `(the job wrote no summary; exit code ${a.result.exitCode})\n`);
  }
  return written;
}

function hosts(world: World): string {
  return HOSTS.map((h) => `${h}=${world.current(h) ?? "-"}`).join("  ");
}

interface Metrics {
  service: MetricsService;
  prometheus: PrometheusServer;
}

/** Prometheus scraping a service whose v1.1.0 traffic fails 30% of requests; undefined without Prometheus. */
async function startMetrics(): Promise<Metrics | undefined> {
  try {
    prometheusBinary();
  } catch (err) {
    say(`   ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const service = await startMetricsService({ versions: { "v1.0.0": 0.01, "v1.1.0": 0.3 }, noise: 0.1 });
  try {
    const prometheus = await startPrometheus({ targets: [service.address], scrapeInterval: "1s" });
    // rate() over [10s] needs a few scrapes of history.
    await service.waitForScrapes(4, 30_000);
    return { service, prometheus };
  } catch (err) {
    await service.close();
    throw err;
  }
}

async function main(): Promise<void> {
  say("Shipline demo: the real App (probot run) and the real Action against a local GitHub stand-in.");
  buildApp();
  const metrics = await startMetrics();
  if (metrics)
    say(
      `Prometheus ${metrics.prometheus.url} scrapes ${metrics.service.url}/metrics: http_requests_total{version, code}, v1.0.0 1% errors, v1.1.0 30%.`,
    );
  else say("No Prometheus here: the canary of v1.1.0 will fail its install instead of its verification.");
  const world = await startWorld({
    config: (root) =>
      metrics ? threeStagesVerified(root, metrics.prometheus.url) : threeStagesCommand(root),
    environments: { staging: { customRule: true }, production: { customRule: true } },
  });
  try {
    const targets = join(world.root, "targets");
    writeFileSync(join(targets, "install.sh"), installScript(targets));
    rmSync(OUT, { recursive: true, force: true });

    say("\n1. Publishing v1.0.0 (staging -> canary -> production) ...");
    const v1 = await world.publish("v1.0.0");
    await world.settle();
    say(`   hosts: ${hosts(world)}`);

    if (metrics) {
      say(
        "\n2. Publishing v1.1.0; 30% of its requests fail, so the canary fails its error-rate verification ...",
      );
    } else {
      say("\n2. Publishing v1.1.0; its install fails on the production hosts, so the canary fails ...");
      for (const h of ["web-1", "web-2", "web-3", "web-4"]) writeFileSync(join(targets, `${h}.broken`), "");
    }
    const v2 = await world.publish("v1.1.0");
    await world.settle();
    say(`   hosts: ${hosts(world)}`);

    say("\nTimeline");
    say(formatTimeline(timeline(world.gh.standin, world.times)));

    say("\nFates");
    for (const r of [v1, v2]) {
      const overall = world.check("shipline", r.sha);
      say(`  ${r.tag}: ${overall?.conclusion ?? overall?.status ?? "?"} - ${overall?.output.title ?? ""}`);
      const stages = world.repo.checkRuns.filter(
        (x) => x.headSha === r.sha && x.name.startsWith("shipline / "),
      );
      for (const c of stages)
        say(`    ${c.name.padEnd(22)} ${(c.conclusion ?? c.status).padEnd(9)} ${c.output.title ?? ""}`);
    }
    const rollbacks = world.repo.dispatches.filter((d) => d.inputs.mode === "rollback");
    for (const d of rollbacks)
      say(
        `  rollback: ${d.inputs.stage} back to ${d.inputs.release} from ${d.inputs.from} (${d.inputs.reason})`,
      );

    const failed = world.actions.find((a) => a.job.inputs.release === "v1.1.0" && a.result.exitCode !== 0);
    const why = /^::error title=([^:]*)::(.*)$/m.exec(failed?.result.stdout ?? "");
    if (why)
      say(
        `  v1.1.0 canary job: ${decodeURIComponent(why[1] ?? "")}: ${(why[2] ?? "").replace(/%0A/g, " / ").replace(/%25/g, "%")}`,
      );
    const lock = world.repo.variables.get("production/SHIPLINE_LOCK");
    if (lock) say(`  production is locked (SHIPLINE_LOCK): ${lock.value}`);
    say("\nCheck run summaries (Markdown)");
    for (const r of [v1, v2]) for (const path of writeSummaries(world, r.tag, r.sha)) say(`  ${path}`);
    say(`  job summaries: ${relative(ROOT, OUT)}/<release>/jobs/`);
    const problems = world.violations();
    if (problems.length > 0) {
      say(`\nThe stand-in recorded ${problems.length} problem(s):\n${problems.join("\n")}`);
      process.exitCode = 1;
    }
  } finally {
    await world.stop();
    await metrics?.prometheus.stop();
    await metrics?.service.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
