// `npm run demo`: Shipline end to end on this machine, without registering a GitHub App. The real App runs under
// `probot run` against the local GitHub stand-in; the real Action installs releases into folders under a temporary
// directory. Release v1.0.0 goes through staging, canary and production; v1.1.0 fails on the canary and is rolled
// back automatically. Prints a timeline and writes every check run's summary to demo-output/<release>/.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildApp, ROOT } from "./e2e/app.js";
import { installScript, threeStagesCommand } from "./e2e/configs.js";
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
  for (const c of world.repo.checkRuns.filter((run) => run.headSha === sha)) {
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

async function main(): Promise<void> {
  say("Shipline demo: the real App (probot run) and the real Action against a local GitHub stand-in.");
  buildApp();
  const world = await startWorld({
    config: (root) => threeStagesCommand(root),
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

    say("\n2. Publishing v1.1.0; its install fails on the production hosts, so the canary fails ...");
    for (const h of ["web-1", "web-2", "web-3", "web-4"]) writeFileSync(join(targets, `${h}.broken`), "");
    const v2 = await world.publish("v1.1.0");
    await world.settle();
    say(`   hosts: ${hosts(world)}`);

    say("\nTimeline");
    say(formatTimeline(timeline(world.gh.standin, world.times)));

    say("\nFates");
    for (const r of [v1, v2]) {
      const overall = world.check("shipline", r.sha);
      say(`  ${r.tag}: ${overall?.conclusion ?? overall?.status ?? "?"} - ${overall?.output.title ?? ""}`);
      for (const c of world.repo.checkRuns.filter((x) => x.headSha === r.sha && x.name !== "shipline"))
        say(`    ${c.name.padEnd(22)} ${(c.conclusion ?? c.status).padEnd(9)} ${c.output.title ?? ""}`);
    }
    const rollbacks = world.repo.dispatches.filter((d) => d.inputs.mode === "rollback");
    for (const d of rollbacks)
      say(
        `  rollback: ${d.inputs.stage} back to ${d.inputs.release} from ${d.inputs.from} (${d.inputs.reason})`,
      );

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
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
