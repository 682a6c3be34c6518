import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rollbackTarget } from "../../src/cli/commands/rollback.js";
import { runCli } from "../../src/cli/run.js";
import { directoryDriver } from "../../src/rollout/drivers/directory.js";
import { historyStack, readHistory } from "../../src/rollout/drivers/history.js";
import { listReleases, readCurrent } from "../../src/rollout/drivers/release-dir.js";
import type { DeployContext } from "../../src/rollout/drivers/types.js";
import { lazySource } from "../../src/rollout/source.js";
import { runbookFor } from "../../src/runbook/current.js";
import {
  canUnshare,
  type OfflineRun,
  ROLLBACK_TOOLS,
  runOffline,
  toolDir,
  which,
} from "../support/offline.js";

/**
 * The rollback program a target carries, run as an operator runs it when GitHub, CI and the network are down:
 * `sh <dir>/shipline-rollback`, in a network namespace with no network (`unshare -n`), with a PATH that holds only
 * the tools the script may use (no node).
 */

let root: string;
let bin: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "shipline-script-"));
  bin = toolDir(join(root, "bin"), ROLLBACK_TOOLS);
  if (!canUnshare)
    console.warn(
      "unshare -n is not permitted here (needs root or user namespaces): running with the network up",
    );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let target: string;
let clock = Date.parse("2026-12-01T10:00:00Z");
beforeEach(() => {
  target = mkdtempSync(join(root, "target-"));
});
afterEach(() => rmSync(target, { recursive: true, force: true }));

const context = (mode: DeployContext["mode"]): DeployContext => ({
  mode,
  stage: "production",
  environment: "production",
  wave: { index: 1, label: "100%", targets: [] },
});

/** Deploys `version` to the target with the real directory driver (keep 3), as the Action does. */
async function deploy(version: string, mode: DeployContext["mode"] = "rollout", keep = 3) {
  const tree = mkdtempSync(join(root, `tree-${version}-`));
  writeFileSync(join(tree, "VERSION"), version);
  clock += 60_000;
  const driver = directoryDriver({
    path: target,
    keep,
    base: root,
    now: () => new Date(clock),
    source: lazySource(
      version,
      async () => ({ version, digest: `sha256:${version}`, files: [] }),
      async () => tree,
    ),
  });
  await driver.deploy([{ name: "web-1", region: "eu" }], context(mode));
  rmSync(tree, { recursive: true });
}

/** `sh <target>/shipline-rollback ...` with no network and only `path` on PATH. */
function script(args: string[] = [], path = bin, program = join(target, "shipline-rollback")): OfflineRun {
  return runOffline([join(path, "sh"), program, ...args], { PATH: path, LC_ALL: "C" }, root);
}

const current = () => readlinkSync(join(target, "current"));
const history = () =>
  readFileSync(join(target, "shipline-history"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));

describe("shipline-rollback, with no network and no node", () => {
  it("runs where node cannot be found and the network is down", () => {
    const probe = runOffline([join(bin, "sh"), "-c", "command -v node || echo no-node; cat /proc/net/dev"], {
      PATH: bin,
    });
    expect(probe.stdout).toContain("no-node");
    // only the loopback device exists in the namespace
    if (canUnshare) expect([...probe.stdout.matchAll(/^\s*([\w.-]+):/gm)].map((m) => m[1])).toEqual(["lo"]);
  });

  it("switches current back to what was current before, records it and says what it did", async () => {
    for (const v of ["v1", "v2", "v3"]) await deploy(v);
    const run = script();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(current()).toBe("releases/v2");
    expect(readFileSync(join(target, "current/VERSION"), "utf8")).toBe("v2");
    const entry = history().at(-1)!;
    expect(entry).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ rollback v2 v3 script$/);
    expect(run.stdout.split("\n")).toEqual([
      `${target}: current -> releases/v2 (was v3)`,
      `recorded in ${target}/shipline-history: ${entry}`,
      "Restart or reload the service if it does not follow the current link by itself.",
      "",
    ]);
    expect(script().code).toBe(0);
    expect(current()).toBe("releases/v1");
    // nothing before v1: refused, nothing changed
    const refused = script();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `shipline-rollback: ${target}: the deploy history has no release before v1 (kept: v1, v2, v3); name one with --to\n`,
    );
    expect(current()).toBe("releases/v1");
    expect(history()).toHaveLength(5);
  });

  it("goes to a named kept release, and refuses one that is not kept or already current", async () => {
    for (const v of ["v1", "v2", "v3"]) await deploy(v);
    expect(script(["--to", "v9"])).toMatchObject({
      code: 1,
      stderr: `shipline-rollback: ${target}: v9 is not kept here (kept: v1, v2, v3)\n`,
    });
    expect(script(["--to", "v3"])).toMatchObject({
      code: 1,
      stderr: `shipline-rollback: ${target}: v3 is already the current release\n`,
    });
    expect(script(["--to", "v1"]).code).toBe(0);
    expect(current()).toBe("releases/v1");
    expect(history().at(-1)).toMatch(/ rollback v1 v3 script$/);
  });

  it("says what it would do with --dry-run and changes nothing", async () => {
    for (const v of ["v1", "v2"]) await deploy(v);
    const before = readFileSync(join(target, "shipline-history"), "utf8");
    expect(script(["--dry-run"])).toEqual({
      code: 0,
      stdout: `${target}: would switch current -> releases/v1 (was v2); nothing changed (--dry-run)\n`,
      stderr: "",
    });
    expect(current()).toBe("releases/v2");
    expect(readFileSync(join(target, "shipline-history"), "utf8")).toBe(before);
  });

  it("does not go forward to the release a rollback moved away from", async () => {
    for (const v of ["v1", "v2", "v3", "v4", "v5", "v6"]) await deploy(v);
    await deploy("v3", "rollback"); // pruned, so installed again: the newest install
    const run = script();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `shipline-rollback: ${target}: v2, current before v3, is no longer kept here (kept: v3, v5, v6); name one with --to\n`,
    );
    expect(current()).toBe("releases/v3");
  });

  it("refuses a target without history, and a current that is not Shipline's link", async () => {
    await deploy("v1");
    await deploy("v2");
    rmSync(join(target, "shipline-history"));
    expect(script()).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("there is no deploy history here"),
    });
    rmSync(join(target, "current"));
    mkdirSync(join(target, "current"));
    expect(script()).toMatchObject({ code: 1, stderr: expect.stringContaining("is not a symlink") });
    expect(existsSync(join(target, "current/VERSION"))).toBe(false);
  });

  it("rejects unknown arguments with its usage, exit 2", async () => {
    await deploy("v1");
    expect(script(["--bogus"])).toMatchObject({
      code: 2,
      stderr:
        "shipline-rollback: unknown argument --bogus\nusage: sh shipline-rollback [--to <version>] [--dry-run] [--dir <target dir>]\n",
    });
  });

  it("works without readlink (reads the link with ls) and with an mv that has neither -T nor -h", async () => {
    for (const v of ["v1", "v2", "v3"]) await deploy(v);
    const bare = toolDir(
      join(root, `bare-${Date.now()}`),
      ROLLBACK_TOOLS.filter((t) => t !== "readlink" && t !== "mv"),
    );
    // an mv that refuses options, like a minimal one
    writeFileSync(
      join(bare, "mv"),
      `#!${which("sh")}\ncase $1 in -*) echo "mv: unknown option $1" >&2; exit 1;; esac\nexec ${which("mv")} "$@"\n`,
    );
    chmodSync(join(bare, "mv"), 0o755);
    const run = script([], bare);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("current is missing for an instant");
    expect(current()).toBe("releases/v2");
    expect(history().at(-1)).toMatch(/ rollback v2 v3 script$/);
  });

  it("takes the target's lock: refuses while a deploy holds it, takes over one whose process is gone", async () => {
    for (const v of ["v1", "v2", "v3"]) await deploy(v);
    const lock = join(target, ".shipline-lock");
    mkdirSync(lock);
    const owner = `action ${process.pid} ${hostname()} 2026-12-01T10:00:00.000Z`;
    writeFileSync(join(lock, "owner"), `${owner}\n`);
    const refusal = `another Shipline deploy or rollback is switching this target (${owner}); if none is running, remove ${lock}`;
    expect(script()).toMatchObject({ code: 1, stderr: `shipline-rollback: ${target}: ${refusal}\n` });
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l) };
    expect(await runCli(["rollback", "--dir", target], io)).toBe(1);
    expect(err).toEqual([`shipline rollback: ${target}: ${refusal}`]);
    await expect(deploy("v4")).rejects.toThrow(refusal);
    expect(current()).toBe("releases/v3");
    expect(history()).toHaveLength(3);
    expect(existsSync(lock)).toBe(true);

    // the process that held it is gone: taken over, used, released
    const gone = spawnSync("true").pid;
    writeFileSync(join(lock, "owner"), `action ${gone} ${hostname()} 2026-12-01T10:00:00.000Z\n`);
    const run = script();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`taking over the lock left by action ${gone}`);
    expect(current()).toBe("releases/v2");
    expect(existsSync(lock)).toBe(false);
    mkdirSync(lock);
    writeFileSync(join(lock, "owner"), `script ${gone} ${hostname()} 2026-12-01T10:00:00.000Z\n`);
    expect(await runCli(["rollback", "--dir", target], io)).toBe(0);
    expect(current()).toBe("releases/v1");
    expect(existsSync(lock)).toBe(false);
  });

  it("replays a long history (20,000 switches) with the same 100-entry cap as the CLI", async () => {
    for (const v of ["v10", "v19998", "v19999"]) await deploy(v);
    const lines = ["2026-01-01T00:00:00Z deploy v0 - action"];
    for (let i = 1; i < 20_000; i++) lines.push(`2026-01-01T00:00:00Z deploy v${i} v${i - 1} action`);
    lines.push("2026-01-02T00:00:00Z rollback v10 v19999 action");
    writeFileSync(join(target, "shipline-history"), `${lines.join("\n")}\n`);
    rmSync(join(target, "current"));
    symlinkSync("releases/v10", join(target, "current"));
    const choice = rollbackTarget(
      await listReleases(target),
      "v10",
      undefined,
      historyStack((await readHistory(target)).entries),
    );
    expect(choice).toMatchObject({ ok: true, release: { name: "v19998" } });
    expect(script(["--dry-run"]).stdout).toContain("would switch current -> releases/v19998 (was v10)");
  });

  it("chooses exactly what `shipline rollback --dir` chooses, for any history", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("deploy" as const), v: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant("rollback" as const), v: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant("script" as const), v: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), async (ops) => {
        rmSync(target, { recursive: true, force: true });
        mkdirSync(target);
        await deploy("v1");
        for (const o of ops) {
          if (o.kind === "script") script();
          else await deploy(`v${o.v}`, o.kind === "rollback" ? "rollback" : "rollout", 3);
          const choice = rollbackTarget(
            await listReleases(target),
            await readCurrent(target),
            undefined,
            historyStack((await readHistory(target)).entries),
          );
          const dry = script(["--dry-run"]);
          if (choice.ok) {
            expect(dry.code, dry.stderr).toBe(0);
            expect(dry.stdout).toContain(`would switch current -> releases/${choice.release.name} `);
          } else {
            expect(dry.code, dry.stdout).toBe(1);
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("the generated RUNBOOK.md's offline command is exactly what works on the host", async () => {
    for (const v of ["v1", "v2"]) await deploy(v);
    const runbook = runbookFor(`artifacts: { assets: ["app-*.tar.gz"] }
targets: { eu: [web-1] }
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages: [{ name: production }]
`);
    if (!runbook.ok) throw new Error(runbook.problems);
    const commands = runbook.text
      .split("\n")
      .filter((l) => /^ {2}sh .*shipline-rollback/.test(l))
      .map((l) =>
        l
          .replace(/#.*$/, "")
          .trim()
          .replaceAll("{target}", target.slice(root.length + 1)),
      );
    expect(commands).toHaveLength(3);
    const [back, to, dry] = commands as [string, string, string];
    const sh = (command: string) => {
      const argv = command.split(" ").slice(1);
      return script(argv.slice(1), bin, argv[0]);
    };
    expect(sh(dry)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("would switch current -> releases/v1"),
    });
    expect(sh(back).code).toBe(0);
    expect(current()).toBe("releases/v1");
    expect(sh(to.replace("<tag>", "v2")).code).toBe(0);
    expect(current()).toBe("releases/v2");
  });
});
