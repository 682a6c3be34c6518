// The CLI as a user meets it: help on every command, the version, did-you-mean, colour only on a terminal,
// --json, the documented exit codes, and `init` by flags or by questions.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import type { CliIO } from "../../src/cli/commands/types.js";
import { useColor } from "../../src/cli/style.js";
import { parseConfig } from "../../src/config/parse.js";
import { runCliCaptured } from "../support/cli.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function emptyDir(): string {
  const d = mkdtempSync(join(tmpdir(), "shipline-cli-"));
  dirs.push(d);
  return d;
}
const cli = (argv: string[], extra: Partial<CliIO> = {}) => runCliCaptured(argv, { io: extra });

describe("every subcommand", () => {
  it.each(COMMANDS.map((c) => c.name))("`%s --help` prints its usage and exits 0", async (name) => {
    const result = await cli([name, "--help"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^usage: shipline ${name}`));
    expect(result.err).toBe("");
    expect((await cli([name, "-h"])).code).toBe(0);
    expect((await cli(["help", name])).out).toBe(result.out);
  });

  it("answers --version, alone or after a command", async () => {
    expect(await cli(["--version"])).toMatchObject({ code: 0, out: `shipline ${pkg.version}` });
    expect(await cli(["validate", "--version"])).toMatchObject({ code: 0, out: `shipline ${pkg.version}` });
  });

  it("suggests the nearest command and flag for a typo, exits 2 and does nothing", async () => {
    const dir = emptyDir();
    const typo = await cli(["valdate", "--dir", dir]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('unknown command "valdate": did you mean `shipline validate`?');
    const flag = await cli(["init", "--dir", dir, "--aprovals", "0"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("unknown argument --aprovals (did you mean --approvals?)");
    expect(() => readFileSync(join(dir, ".github/shipline.yml"))).toThrow();
  });

  it("lists the exit codes in the overall help", async () => {
    const help = await cli(["--help"]);
    expect(help.out).toContain("Exit codes: 0 done, 1 the answer is no");
    expect(help.out).toContain("3 not authenticated, 4 not found, 5 GitHub or the App unreachable");
  });
});

describe("colour", () => {
  it("only on a terminal, never with NO_COLOR or TERM=dumb", () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColor({ TERM: "dumb" }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: "1" }, false)).toBe(true);
  });
});

describe("shipline init", () => {
  it("by default writes a config whose staging has its own hosts, with no window nor required check, and explains each gate", async () => {
    const dir = emptyDir();
    const result = await cli(["init", "--dir", dir]);
    expect(result.code).toBe(0);
    const text = readFileSync(join(dir, ".github/shipline.yml"), "utf8");
    const parsed = parseConfig(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [pipeline] = parsed.config.pipelines;
    expect(pipeline!.stages.map((s) => [s.name, s.targets, s.approvals])).toEqual([
      ["staging", ["staging"], 0],
      ["canary", ["production"], 1],
      ["production", ["production"], 1],
    ]);
    expect(pipeline!.gates.windows).toBeUndefined();
    expect(pipeline!.gates["required-checks"]).toEqual([]);
    expect(result.out).toContain(
      "- four-eyes: canary and production each wait for 1 approval(s) by someone other than the release's author",
    );
    expect(result.out).toContain("- bake: the canary stays live 15m before production starts.");
    expect(result.out).toContain(
      "- not turned on: deploy windows (gates.windows), required checks (gates.required-checks)",
    );
    const runbook = readFileSync(join(dir, "RUNBOOK.md"), "utf8");
    expect(runbook).toMatch(/\| canary \|.*\| 1 approval\(s\) by anyone with write access/);
  });

  it("turns on exactly the gates asked for by flags, and explains them", async () => {
    const dir = emptyDir();
    const result = await cli([
      "init",
      "--dir",
      dir,
      "--production",
      "eu-west=web-1,web-2;us-east=web-3,web-4",
      "--staging",
      "stg-1",
      "--approvals",
      "0",
      "--bake",
      "0",
      "--health-url",
      "https://{target}.internal/health",
      "--window",
      "Mon-Thu 09:00-16:00",
      "--timezone",
      "Europe/London",
      "--required-checks",
      "load-test",
    ]);
    expect(result.code, result.err).toBe(0);
    const parsed = parseConfig(readFileSync(join(dir, ".github/shipline.yml"), "utf8"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [p] = parsed.config.pipelines;
    expect(p!.targets).toEqual({
      staging: ["stg-1"],
      "eu-west": ["web-1", "web-2"],
      "us-east": ["web-3", "web-4"],
    });
    expect(p!.stages.map((s) => [s.name, s.approvals, s.bake ?? null, s.verify])).toEqual([
      ["staging", 0, null, ["smoke"]],
      ["canary", 0, null, ["smoke"]],
      ["production", 0, null, ["smoke"]],
    ]);
    expect(p!.stages[1]!["every-region"]).toBe(true);
    expect(p!.gates.windows).toMatchObject({ timezone: "Europe/London", allow: ["Mon-Thu 09:00-16:00"] });
    expect(p!.gates["required-checks"]).toEqual(["load-test"]);
    expect(result.out).toContain("- four-eyes is OFF (--approvals 0)");
    expect(result.out).toContain(
      "- deploy windows: deploys start only Mon-Thu 09:00-16:00 (Europe/London); rollbacks any time.",
    );
    expect(result.out).toContain("- required checks: load-test must be green on the release commit.");
  });

  it("refuses a bad answer with a clear message and writes nothing", async () => {
    const dir = emptyDir();
    const shared = await cli(["init", "--dir", dir, "--staging", "web-1", "--production", "web-1,web-2"]);
    expect(shared).toMatchObject({ code: 2 });
    expect(shared.err).toContain("web-1 is both a staging and a production host");
    const window = await cli(["init", "--dir", dir, "--window", "Mon-Fri 25:00-26:00"]);
    expect(window.code).toBe(2);
    expect(window.err).toContain('25:00 in "Mon-Fri 25:00-26:00" is not a time of day');
    expect(() => readFileSync(join(dir, ".github/shipline.yml"))).toThrow();
  });

  it("asks on a terminal and writes what was answered", async () => {
    const dir = emptyDir();
    const answers = ["", "none", "stg-1", "web-1,web-2", `${dir}/hosts/{target}`, "0", "0", "", "", ""];
    const questions: string[] = [];
    const result = await cli(["init", "--dir", dir], {
      ask: async (q) => {
        questions.push(q);
        return answers.shift() ?? "";
      },
    });
    expect(result.code, result.err).toBe(0);
    expect(questions[0]).toBe("Release assets CI uploads (glob) [app-*.tar.gz]: ");
    expect(questions).toHaveLength(10);
    const text = readFileSync(join(dir, ".github/shipline.yml"), "utf8");
    expect(text).toContain(`driver: { type: directory, path: "${dir}/hosts/{target}", keep: 5 }`);
    expect(text).toContain('artifacts: { assets: ["app-*.tar.gz"] }');
    expect(text).toContain(
      "  - { name: canary, environment: production, targets: [production], percent: 25, approvals: 0 }",
    );
  });
});

describe("--json on data commands", () => {
  it("validate --json gives the problems or the resolved config; --config names the file in a YAML error", async () => {
    const dir = emptyDir();
    await cli(["init", "--dir", dir]);
    const ok = await cli(["validate", "--dir", dir, "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ valid: true, config: { pipelines: [{ name: "default" }] } });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "other.yml"), "stages: [\n");
    const bad = await cli(["validate", "--dir", dir, "--config", "other.yml"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^other\.yml \(line \d+/);
    const json = await cli(["validate", "--dir", dir, "--config", "other.yml", "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({
      file: "other.yml",
      valid: false,
      problems: [{ path: "other.yml" }],
    });
  });
});
