import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatProblems, parseConfig } from "../../src/config/parse.js";
import { EXAMPLE_WORKFLOW } from "../../src/runbook/templates.js";
import { runCliCaptured } from "../support/cli.js";

const root = new URL("../../", import.meta.url).pathname;
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function emptyDir(): string {
  const d = mkdtempSync(join(tmpdir(), "shipline-init-"));
  dirs.push(d);
  return d;
}
const cli = (...argv: string[]) => runCliCaptured(argv);

describe("shipline init, validate and runbook in an empty directory", () => {
  it("init writes a valid config with its schema, the deploy workflow and a current runbook", async () => {
    const dir = emptyDir();
    const init = await cli("init", "--dir", dir);
    expect(init.code).toBe(0);
    expect(init.out).toContain("wrote .github/shipline.yml");
    const config = readFileSync(join(dir, ".github/shipline.yml"), "utf8");
    expect(config.split("\n")[0]).toBe("# yaml-language-server: $schema=./shipline.schema.json");
    const schema = JSON.parse(readFileSync(join(dir, ".github/shipline.schema.json"), "utf8"));
    expect(schema).toEqual(JSON.parse(readFileSync(join(root, "schema/shipline.schema.json"), "utf8")));
    expect(readFileSync(join(dir, ".github/workflows/shipline.yml"), "utf8")).toBe(EXAMPLE_WORKFLOW);
    expect(readFileSync(join(dir, "RUNBOOK.md"), "utf8")).toContain("## How to roll back");

    expect(await cli("validate", "--dir", dir)).toMatchObject({ code: 0, err: "" });
    expect(await cli("runbook", "--dir", dir, "--check")).toMatchObject({ code: 0 });

    const again = await cli("init", "--dir", dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain("not overwriting .github/shipline.yml");
    expect((await cli("init", "--dir", dir, "--force")).code).toBe(0);
  });

  it("validate prints exactly the App's problem text and exits 1", async () => {
    const dir = emptyDir();
    await cli("init", "--dir", dir);
    const broken = `stages:\n  - { name: canary, percent: 10, colour: red }\n  - { name: prod, verify: [smoke] }\n`;
    writeFileSync(join(dir, ".github/shipline.yml"), broken);
    const result = await cli("validate", "--dir", dir);
    const app = parseConfig(broken);
    if (app.ok) throw new Error("expected problems");
    expect(result.code).toBe(1);
    expect(result.out).toBe(formatProblems(app.problems));
    expect(result.out).toContain(
      "stages[0].colour (line 2, column 34): unknown key `colour` (stages[0] takes: name, environment",
    );
  });

  it("runbook rewrites RUNBOOK.md after a config change; --check flags the stale one first", async () => {
    const dir = emptyDir();
    await cli("init", "--dir", dir);
    const path = join(dir, ".github/shipline.yml");
    writeFileSync(path, readFileSync(path, "utf8").replace("bake: 15m", "bake: 45m"));
    const stale = await cli("runbook", "--dir", dir, "--check");
    expect(stale).toMatchObject({ code: 1 });
    expect(stale.err).toContain("no longer matches");
    expect((await cli("validate", "--dir", dir)).err).toContain("warning: RUNBOOK.md no longer matches");
    expect(await cli("runbook", "--dir", dir)).toMatchObject({ code: 0, out: "wrote RUNBOOK.md" });
    expect(readFileSync(join(dir, "RUNBOOK.md"), "utf8")).toContain("| 45m |");
    expect((await cli("runbook", "--dir", dir, "--check")).code).toBe(0);
  });

  it("validate in a directory without a config says how to start", async () => {
    const result = await cli("validate", "--dir", emptyDir());
    expect(result.code).toBe(4);
    expect(result.err).toContain("node shipline.mjs init");
  });

  it("works as a real process from the current directory", () => {
    const dir = emptyDir();
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "src/cli/main.ts"), ...args],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
    const init = run("init");
    expect(init.status).toBe(0);
    const validate = run("validate");
    expect([validate.status, validate.stdout.split("\n")[0]]).toEqual([0, ".github/shipline.yml is valid:"]);
    const runbook = run("runbook", "--out", "-");
    expect(runbook.stdout).toBe(readFileSync(join(dir, "RUNBOOK.md"), "utf8"));
  });
});
