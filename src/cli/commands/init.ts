import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { configJsonSchema } from "../../config/json-schema.js";
import { CONFIG_PATH } from "../../config/parse.js";
import { runbookFor } from "../../runbook/current.js";
import { RUNBOOK_PATH } from "../../runbook/generate.js";
import { EXAMPLE_CONFIG, EXAMPLE_WORKFLOW } from "../../runbook/templates.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";
import { readText, takeSwitches } from "./validate.js";

export const SCHEMA_PATH = ".github/shipline.schema.json";
export const WORKFLOW_PATH = ".github/workflows/shipline.yml";

/** The example config, pointing editors at the schema written beside it. */
export function starterConfig(): string {
  const body = EXAMPLE_CONFIG.replace(/^# yaml-language-server: \$schema=.*\n/, "");
  return `# yaml-language-server: $schema=./shipline.schema.json\n# Shipline config: https://github.com/shipline/shipline#configuration-reference\n${body}`;
}

export const initCommand: Command = {
  name: "init",
  summary: "Write a starter .github/shipline.yml, its JSON Schema, the deploy workflow and RUNBOOK.md",
  usage: "shipline init [--dir <repository>] [--force]",
  async run(args, io) {
    const { rest, on } = takeSwitches(args, ["force"]);
    const parsed = parseFlags(rest, ["dir"]);
    if (!parsed.ok) {
      io.err(parsed.error);
      return 2;
    }
    const dir = resolve(parsed.flags.dir ?? ".");
    const config = starterConfig();
    const runbook = runbookFor(config);
    if (!runbook.ok) throw new Error(`the starter config is invalid (a Shipline bug):\n${runbook.problems}`);
    const files: [string, string][] = [
      [CONFIG_PATH, config],
      [SCHEMA_PATH, `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
      [WORKFLOW_PATH, EXAMPLE_WORKFLOW],
      [RUNBOOK_PATH, runbook.text],
    ];
    if (!on.has("force")) {
      const existing: string[] = [];
      for (const [path] of files) if ((await readText(join(dir, path))) !== undefined) existing.push(path);
      if (existing.length) {
        io.err(`not overwriting ${existing.join(", ")} (use --force); nothing was written`);
        return 1;
      }
    }
    for (const [path, text] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
      io.out(`wrote ${path}`);
    }
    io.out(
      [
        "",
        "Next:",
        `1. Edit ${CONFIG_PATH}: your assets, targets, driver, stages and checks; \`npx shipline validate\` checks it.`,
        `2. In ${WORKFLOW_PATH}, pick a runner that reaches your targets and map the secrets the config names into \`env:\`.`,
        "3. Install the Shipline App on the repository; create the environments your stages name.",
        `4. \`npx shipline runbook\` after each config change keeps ${RUNBOOK_PATH} current; commit everything.`,
        "5. Publish a release from CI with the assets attached: Shipline takes it from there.",
      ].join("\n"),
    );
    return 0;
  },
};
