import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { configJsonSchema } from "../../config/json-schema.js";
import { CONFIG_PATH } from "../../config/parse.js";
import { runbookFor } from "../../runbook/current.js";
import { RUNBOOK_PATH } from "../../runbook/generate.js";
import { EXAMPLE_WORKFLOW } from "../../runbook/templates.js";
import { parseArgs } from "../args.js";
import { EXIT } from "../exit.js";
import {
  answersFromFlags,
  DEFAULT_ANSWERS,
  gateExplanations,
  INIT_VALUE_FLAGS,
  type StarterAnswers,
  starterConfigText,
} from "./starter.js";
import type { CliIO, Command } from "./types.js";
import { readText } from "./validate.js";

export const SCHEMA_PATH = ".github/shipline.schema.json";
export const WORKFLOW_PATH = ".github/workflows/shipline.yml";

/** The questions interactive `init` asks (a terminal, no answer flags): each maps to a flag. */
async function ask(io: CliIO & { ask: NonNullable<CliIO["ask"]> }): Promise<Record<string, string>> {
  const d = DEFAULT_ANSWERS;
  const hosts = (r: Record<string, string[]>) =>
    Object.entries(r)
      .map(([k, v]) => `${k}=${v.join(",")}`)
      .join(";");
  const questions: [string, string, string][] = [
    ["assets", "Release assets CI uploads (glob)", d.assets],
    ["checksums", "Checksum file among the assets (none: GitHub's digests)", d.checksums],
    ["staging", "Staging hosts (region=host,host;...)", hosts(d.staging)],
    ["production", "Production hosts (region=host,host;...)", hosts(d.production)],
    ["path", "Install directory on each host ({target} is the host)", "/srv/app/{target}"],
    ["approvals", "Approvals before canary and production (0: none, for a solo trial)", String(d.approvals)],
    ["bake", "Canary bake time before production (0: none)", d.bake],
    ["health-url", "Health URL per host, e.g. https://{target}/health (empty: no check)", ""],
    ["window", 'Deploy windows, e.g. "Mon-Thu 09:00-16:00" (empty: any time)', ""],
    ["required-checks", "Check runs that must be green on the release commit (empty: none)", ""],
  ];
  const flags: Record<string, string> = {};
  for (const [key, question, fallback] of questions) {
    const answer = (await io.ask(`${question}${fallback ? ` [${fallback}]` : ""}: `)).trim();
    if (answer || fallback) flags[key] = answer || fallback;
  }
  if (flags.window) {
    const tz = (await io.ask("Time zone of the windows [UTC]: ")).trim();
    flags.timezone = tz || "UTC";
  }
  return flags;
}

export const initCommand: Command = {
  name: "init",
  summary:
    "Write .github/shipline.yml (a first release goes through), its schema, the deploy workflow, RUNBOOK.md",
  usage:
    "shipline init [--dir <repository>] [--force] [--yes] [--staging hosts] [--production hosts] [--path dir | --run cmd] [--approvals N] ...",
  help: [
    "On a terminal it asks; with flags (or --yes, or no terminal) it uses them and these defaults:",
    "  --assets 'app-*.tar.gz'   --checksums SHA256SUMS (none: GitHub's asset digests)",
    "  --staging staging=staging-1          staging's own hosts (never production's)",
    "  --production production=web-1,web-2,web-3,web-4   or eu-west=web-1,web-2;us-east=web-3,web-4",
    "  --path /srv/app/{target} (directory driver) | --run 'deploy.sh' (command driver)",
    "  --approvals 1 (canary and production; 0 for a solo trial)   --bake 15m (0: none)",
    "  --health-url https://{target}/health   --window 'Mon-Thu 09:00-16:00' --timezone Europe/London",
    "  --required-checks load-test,e2e",
    "Nothing is written when a file exists (use --force) or an answer is invalid.",
  ].join("\n"),
  async run(args, io) {
    const parsed = parseArgs(args, { values: INIT_VALUE_FLAGS, switches: ["force", "yes"], positionals: 0 });
    if (!parsed.ok) {
      io.err(`${parsed.error}\nusage: ${this.usage}`);
      return EXIT.usage;
    }
    const { flags: given, switches } = parsed.args;
    const answerFlags = Object.keys(given).filter((k) => k !== "dir");
    const interactive = io.ask && !switches.has("yes") && answerFlags.length === 0;
    const flags = interactive
      ? { ...given, ...(await ask(io as CliIO & { ask: NonNullable<CliIO["ask"]> })) }
      : given;
    const answers: StarterAnswers | string = answersFromFlags(flags);
    if (typeof answers === "string") {
      io.err(`${answers}; nothing was written`);
      return EXIT.usage;
    }
    const dir = resolve(given.dir ?? ".");
    const config = starterConfigText(answers);
    const runbook = runbookFor(config);
    if (!runbook.ok) {
      io.err(`these answers do not make a valid config; nothing was written:\n${runbook.problems}`);
      return EXIT.usage;
    }
    const files: [string, string][] = [
      [CONFIG_PATH, config],
      [SCHEMA_PATH, `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
      [WORKFLOW_PATH, EXAMPLE_WORKFLOW],
      [RUNBOOK_PATH, runbook.text],
    ];
    if (!switches.has("force")) {
      const existing: string[] = [];
      for (const [path] of files) if ((await readText(join(dir, path))) !== undefined) existing.push(path);
      if (existing.length) {
        io.err(`not overwriting ${existing.join(", ")} (use --force); nothing was written`);
        return EXIT.failed;
      }
    }
    for (const [path, text] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
      io.out(`wrote ${path}`);
    }
    const environments = ["staging", "production"];
    io.out(
      [
        "",
        "Gates this config turns on:",
        ...gateExplanations(answers),
        "",
        "Next:",
        `1. \`node shipline.mjs validate\` checks ${CONFIG_PATH}; edit it for your checks and stages (docs/gates.md).`,
        `2. In ${WORKFLOW_PATH}, pick a runner that reaches your hosts (runs-on) and map the secrets the config names into \`env:\`.`,
        `3. Install the Shipline App on the repository (docs/setup.md) and create the environments ${environments.join(" and ")}.`,
        `4. Commit everything; \`node shipline.mjs runbook\` after each config change keeps ${RUNBOOK_PATH} current.`,
        "5. Publish a release from CI with the assets attached; `node shipline.mjs watch <tag>` follows it.",
      ].join("\n"),
    );
    return EXIT.ok;
  },
};
