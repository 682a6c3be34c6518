import type { Check } from "../config/schema/checks.js";
import type { Config, Pipeline, ResolvedStage } from "../config/types.js";

/** Where the runbook lives in the repository; the config check compares it with the config. */
export const RUNBOOK_PATH = "RUNBOOK.md";

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const list = (items: readonly string[]) => items.map(code).join(", ");

function rolloutOf(s: ResolvedStage): string {
  const where = s.targets === "all" ? "all targets" : `regions ${list(s.targets)}`;
  if (s.percent !== undefined)
    return `${s.percent}% of ${where}, picked at random per release${s["every-region"] ? ", at least one per region" : ""}`;
  if (s.by === "region") return `${where}, one region per wave`;
  if (s.by === "host") return `${where}, one host per wave`;
  if (s.waves) return `${where} in waves of ${s.waves.join("/")}%`;
  return `${where} at once`;
}

function approversOf(s: ResolvedStage, pipeline: Pipeline): string {
  const who = s.approvers?.length ? list(s.approvers) : "anyone with write access";
  const base = s.approvals
    ? `${s.approvals} approval(s) by ${who}, never the release author nor whoever triggered it`
    : "no approval";
  const actors =
    s.production && pipeline.gates["production-actors"]?.length
      ? `; only ${list(pipeline.gates["production-actors"])} may drive it`
      : "";
  return base + actors;
}

function stageTable(pipeline: Pipeline): string[] {
  return [
    "| Stage | Environment | Rollout | Bake | Verify | Promotion | Approval |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...pipeline.stages.map(
      (s) =>
        `| ${s.name} | ${code(s.environment)}${s.production ? " (production)" : ""} | ${rolloutOf(s)} | ${s.bake ?? "—"} | ${s.verify.length ? list(s.verify) : "—"} | ${s.promote === "manual" ? "`/promote`" : "automatic"} | ${approversOf(s, pipeline)} |`,
    ),
  ];
}

function secretsOf(pipeline: Pipeline): string[] {
  const names = new Set<string>();
  for (const c of Object.values(pipeline.checks)) {
    if (c.prometheus?.["token-secret"]) names.add(c.prometheus["token-secret"]);
    if (c.http?.["headers-secret"]) names.add(c.http["headers-secret"]);
    if (c.datadog) {
      names.add(c.datadog["api-key-secret"]);
      names.add(c.datadog["app-key-secret"]);
    }
  }
  const budget = pipeline.gates["error-budget"]?.prometheus["token-secret"];
  if (budget) names.add(budget);
  if (pipeline.notify.slack) names.add(pipeline.notify.slack["webhook-secret"]);
  for (const w of pipeline.notify.webhooks) {
    names.add(w.secret);
    if (w["url-secret"]) names.add(w["url-secret"]);
  }
  for (const m of pipeline.markers) {
    if (m.type === "grafana") names.add(m["token-secret"]);
    else if (m.type === "template") for (const v of Object.values(m["header-secrets"])) names.add(v);
    else names.add(m["api-key-secret"]);
  }
  return [...names].sort();
}

function checkLine(name: string, c: Check): string {
  const source = c.command
    ? `runs ${code(c.command.run)} in the deploy job (fails on a non-zero exit or after ${c.command.timeout})`
    : c.workflow
      ? `dispatches ${code(c.workflow.file)} with the stage and version and waits up to ${c.workflow.timeout} for its conclusion`
      : c.smoke
        ? `GET ${code(c.smoke.url)} expects HTTP ${c.smoke.expect}${c.smoke.contains ? ` containing ${code(c.smoke.contains)}` : ""}`
        : c.prometheus
          ? `Prometheus ${code(c.prometheus.query)}`
          : c.datadog
            ? `Datadog ${code(c.datadog.query)}`
            : c.http
              ? `HTTP JSON ${code(c.http.url)} at ${code(c.http.path)}`
              : "no source";
  const kind =
    c.kind ??
    (c.smoke
      ? "smoke"
      : c.command
        ? "command"
        : c.workflow
          ? "workflow"
          : c.compare
            ? "canary"
            : "threshold");
  const bounds = [
    c.min !== undefined ? `min ${c.min}` : "",
    c.max !== undefined ? `max ${c.max}` : "",
    kind === "derivative" && c["max-rate"] !== undefined ? `max change ${c["max-rate"]}/min` : "",
    kind === "sigma" ? `within ${c.sigma} sigma` : "",
    kind === "canary" ? "canary compared with the production baseline" : "",
  ].filter(Boolean);
  return `- **${name}** (${kind}): ${source}${bounds.length ? `; ${bounds.join(", ")}` : ""}.`;
}

function gatesOf(pipeline: Pipeline): string[] {
  const g = pipeline.gates;
  const lines: string[] = [];
  if (g.windows)
    lines.push(
      `- **Deploy windows** (${g.windows.timezone}): ${g.windows.allow.map(code).join(", ")}${g.windows.stages ? ` for ${list(g.windows.stages)}` : ""}. Outside them deploys wait; rollbacks are always allowed.`,
    );
  for (const f of g.freezes) lines.push(`- **Freeze** ${f.from} to ${f.until}: ${f.reason}.`);
  const budget = g["error-budget"];
  if (budget)
    lines.push(
      `- **Error budget**: SLO ${budget.slo}% over ${budget.window}; deploys are blocked while the budget is spent or burning fast (${budget["burn-rate"].map((b) => `${b.factor}× over ${b.long}/${b.short}`).join(", ")}). Rollbacks are allowed.`,
    );
  if (g["required-checks"].length)
    lines.push(`- **Required checks** green on the release commit: ${list(g["required-checks"])}.`);
  lines.push(
    `- **Order and bake**: a stage starts only after the previous one succeeded and baked; \`/hotfix <tag> -- reason\` skips bake times (never the other gates) and is recorded.`,
  );
  if (g["github-reviewers"])
    lines.push("- **Four-eyes** relies on the environments' required reviewers (with prevent self-review).");
  return lines;
}

function rollbackOf(pipeline: Pipeline): string[] {
  const driver = pipeline.driver;
  const lines = [
    pipeline.rollback.automatic
      ? `- **Automatic**: a failed rollout or failed verification rolls that stage back to the environment's previous successful release${pipeline.rollback.lock ? " and locks the environment until `/unlock <environment>`" : ""}.`
      : "- **Automatic rollback is off** (`rollback.automatic: false`): roll back by hand.",
    "- **On GitHub**: comment `/rollback <environment> [to <tag>] -- reason` on an issue or pull request of the repository (the App does not read commit comments), or run `shipline rollback <environment>`; or run the deploy workflow by hand:",
    "",
    "  ```sh",
    `  gh workflow run ${pipeline.workflow} -f release=<previous tag> -f stage=<stage> -f mode=rollback -f environment=<environment> -f from=<bad tag> -f pipeline=${pipeline.name} -f reason="..."`,
    "  ```",
    "",
    "  A rollback redeploys the previous release's stored assets; nothing is rebuilt.",
  ];
  // The ssh driver keeps the same on-target layout on each remote host.
  if (driver?.type === "directory" || driver?.type === "ssh") {
    const dir = driver.path.startsWith("/") ? driver.path : `<workspace>/${driver.path}`;
    lines.push(
      "- **Offline (GitHub, CI and the network down)**: every target carries what its rollback needs: the kept releases, its deploy history and a rollback program (plain `sh`: no Node, no network, nothing to install). On each host:",
      "",
      "  ```sh",
      `  sh ${dir}/shipline-rollback              # back to what was current before, by the target's own history`,
      `  sh ${dir}/shipline-rollback --to <tag>   # to a named release kept on the target`,
      `  sh ${dir}/shipline-rollback --dry-run    # say what it would do, change nothing`,
      `  cat ${dir}/shipline-history              # every switch: time, deploy/rollback/restore, release, previous, who`,
      "  ```",
      "",
      `  Replace \`{target}\`/\`{region}\` with the host's names${driver.path.startsWith("/") ? "" : " (`<workspace>`: the deploy job's checkout on the runner)"}. It switches the \`current\` symlink atomically to a release kept under \`releases/\` (the ${driver.keep} most recently current are kept, and always the one a rollback goes to), records the rollback in \`shipline-history\`, and refuses, changing nothing, when that release is gone (then pick one with \`--to\`). Restart or reload the service if it does not follow \`current\`. It needs no package registry; install no \`shipline\` package from npm for it (that name is not Shipline's).`,
    );
  } else if (driver?.type === "command") {
    lines.push(
      `- **Offline (GitHub or CI down)**: the command driver deploys through your own tooling; run its rollback by hand with the previous release's artifact: ${code(driver.rollback ?? driver.run)} with \`SHIPLINE_MODE=rollback\`. Keep the last release's artifacts where that command can reach them without GitHub.`,
    );
  } else {
    lines.push("- **Offline**: no `driver` is configured, so there is no offline procedure; add one.");
  }
  return lines;
}

function pipelineSection(pipeline: Pipeline, many: boolean): string[] {
  const h = many ? "###" : "##";
  const environments = [...new Set(pipeline.stages.map((s) => s.environment))];
  const secrets = secretsOf(pipeline);
  const regions = Object.entries(pipeline.targets);
  const checkNames = [...new Set(pipeline.stages.flatMap((s) => s.verify))];
  return [
    ...(many ? [`## Pipeline ${code(pipeline.name)} (tags ${code(pipeline.tags)})`, ""] : []),
    `${h} Prerequisites`,
    "",
    "- The Shipline GitHub App is installed on this repository.",
    `- The deploy workflow ${code(`.github/workflows/${pipeline.workflow}`)} exists at every release tag (\`shipline init\` writes it).`,
    `- GitHub environments: ${list(environments)}${environments.length ? "" : "none"}; give production ones Shipline as a deployment protection rule.`,
    `- Releases are published by CI with assets ${list(pipeline.artifacts.assets)}${pipeline.artifacts.checksums ? ` and a ${code(pipeline.artifacts.checksums)} checksum file` : pipeline.artifacts.digests ? " (verified by GitHub's asset digests)" : ""}; only artifacts of a fully tested CI run are deployed, never a local build.`,
    `- The deploy job's runner reaches the targets${regions.length ? `: ${regions.map(([r, t]) => `${code(r)} (${t.length})`).join(", ")}` : ""}.`,
    secrets.length
      ? `- Secrets mapped into the deploy job's \`env:\`: ${list(secrets)}.`
      : "- No secrets are needed besides the workflow's `github.token`.",
    "",
    `${h} Stages`,
    "",
    ...stageTable(pipeline),
    "",
    `${h} How to deploy`,
    "",
    `1. Merge to the default branch; CI builds, tests and publishes a GitHub Release ${pipeline.tags === "*" ? "(any tag)" : `tagged ${code(pipeline.tags)}`} with the assets.`,
    `2. Shipline creates a \`shipline / <stage>\` check run per stage on the release commit and dispatches ${code(pipeline.stages[0]?.name ?? "the first stage")}.`,
    "3. Each stage passes its gates, rolls out, verifies and bakes; then the next one starts (or waits for `/promote`).",
    "4. Comment commands: `/deploy <tag> [to <stage>]`, `/promote`, `/approve`, `/pause`, `/resume`, `/status`, `/help`.",
    "",
    `${h} How to monitor`,
    "",
    "- The check runs `shipline` and `shipline / <stage>` on the release commit show each stage's state, gate decisions and links to the deploy job, whose summary lists every wave and target.",
    `- Notifications: ${[pipeline.notify.slack ? `Slack (${code(pipeline.notify.slack["webhook-secret"])})` : "", pipeline.notify.webhooks.length ? `${pipeline.notify.webhooks.length} signed webhook(s)` : ""].filter(Boolean).join(", ") || "none configured"}.`,
    `- Deployment markers: ${pipeline.markers.map((m) => m.type).join(", ") || "none configured"}.`,
    "- The whole timeline of a release: `shipline audit <tag>`.",
    "",
    `${h} How to verify`,
    "",
    ...(checkNames.length
      ? [
          ...checkNames.map((n) => (pipeline.checks[n] ? checkLine(n, pipeline.checks[n]) : `- **${n}**`)),
          "",
          `Checks run every stage's \`interval\` for its bake time; a failed or inconclusive result fails the stage${pipeline.rollback.automatic ? " and rolls it back" : ""}.`,
        ]
      : ["No verification checks are configured: add `checks` and list them in each stage's `verify`."]),
    "",
    `${h} How to roll back`,
    "",
    ...rollbackOf(pipeline),
    "",
    `${h} Who approves`,
    "",
    ...pipeline.stages.map((s) => `- ${code(s.name)}: ${approversOf(s, pipeline)}.`),
    "- Approve with `/approve [<tag>] [to <stage>]` immediately before the stage; nobody deploys to production alone.",
    "",
    `${h} Windows and gates`,
    "",
    ...gatesOf(pipeline),
    "",
  ];
}

/** RUNBOOK.md for a config: stable output (same config, same text), ending in its digest marker. */
export function generateRunbook(config: Config, digest: string): string {
  const many = config.pipelines.length > 1;
  return [
    "# Release runbook",
    "",
    "Generated by `shipline runbook` from `.github/shipline.yml`. Regenerate it after changing the config; the",
    "`shipline / config` check run flags a runbook that no longer matches.",
    "",
    ...config.pipelines.flatMap((p) => pipelineSection(p, many)),
    `<!-- shipline:runbook ${digest} -->`,
    "",
  ].join("\n");
}
