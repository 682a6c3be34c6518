import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLBACK_TOOLS, runOffline, toolDir } from "../support/offline.js";
import { ROOT } from "./helpers/bundle.js";
import { type BundleWorld, startBundleWorld } from "./helpers/world.js";

/**
 * Issue 14, item 4, reproduced as users meet it: keep: 3, six releases rolled out by the built Action, then a
 * rollback with the Action to a pruned release (downloaded again), then the offline rollback on the target, with
 * the single-file CLI (action/dist/shipline.mjs) and with the target's own shipline-rollback script. Neither may
 * go forward to the release that was just rolled back.
 */

let world: BundleWorld;
/** The single-file CLI, copied out of the repository as a user copies it to a host (no node_modules beside it). */
let cliFile: string;
const VERSIONS = ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"];
const TARGETS = ["web-1", "web-2"];

const dirOf = (target: string) => join(world.root, "srv", target);
const current = (target: string) => readlinkSync(join(dirOf(target), "current"));
const history = (target: string) =>
  readFileSync(join(dirOf(target), "shipline-history"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));

const action = (inputs: Record<string, string>) => world.run({ stage: "production", ...inputs });

/** The copied CLI, run by whatever Node the host has (here this one), with no network (when unshare is allowed). */
const cli = (args: string[]) =>
  runOffline([process.execPath, cliFile, ...args], { PATH: "/usr/bin:/bin" }, join(world.root, "host"));

/** The target's own script, as an operator runs it: no network (when unshare is allowed), no node on PATH. */
let bin: string;
const script = (target: string, args: string[] = []) =>
  runOffline([join(bin, "sh"), join(dirOf(target), "shipline-rollback"), ...args], { PATH: bin });

beforeAll(async () => {
  world = await startBundleWorld({
    name: "offline",
    config: (root) => `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [${TARGETS.join(", ")}] }
driver: { type: directory, path: "${root}/srv/{target}", keep: 3 }
stages: [{ name: production, environment: production }]
`,
    releases: VERSIONS,
  });
  execFileSync("flock", ["/tmp/shipline-build-cli.lock", "npm", "run", "--silent", "build:cli"], {
    cwd: ROOT,
    stdio: "pipe",
  });
  mkdirSync(join(world.root, "host"));
  cliFile = join(world.root, "host/shipline.mjs");
  copyFileSync(join(ROOT, "action/dist/shipline.mjs"), cliFile);
  bin = toolDir(join(world.root, "bin"), ROLLBACK_TOOLS);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe("offline rollback follows the deploy history the targets keep", () => {
  it("rolls six releases out with keep: 3, each target keeping its history and rollback program", async () => {
    for (const v of VERSIONS.slice(0, 6)) {
      const run = await action({ release: v });
      expect(run.code, run.stdout).toBe(0);
      world.github.addDeployment({ ref: v, environment: "production", states: ["success"] });
    }
    for (const t of TARGETS) {
      expect(current(t)).toBe("releases/v6");
      expect(history(t).map((l) => l.split(" ").slice(1).join(" "))).toEqual([
        "deploy v1 - action",
        "deploy v2 v1 action",
        "deploy v3 v2 action",
        "deploy v4 v3 action",
        "deploy v5 v4 action",
        "deploy v6 v5 action",
      ]);
      expect(readFileSync(join(dirOf(t), "shipline-rollback"), "utf8")).toMatch(/^#!\/bin\/sh\n/);
    }
  });

  it("rolls back with the Action to v3, pruned, so downloaded again", async () => {
    const before = world.github.downloads().length;
    const run = await action({ release: "v3", mode: "rollback", from: "v6", reason: "bad v6" });
    expect(run.code, run.stdout).toBe(0);
    expect(world.github.downloads().length).toBeGreaterThan(before);
    for (const t of TARGETS) {
      expect(current(t)).toBe("releases/v3");
      expect(history(t).at(-1)).toMatch(/ rollback v3 v6 action$/);
    }
  });

  it("the copied CLI does not go forward to v6: v2, current before v3, is gone, and it says so", () => {
    const run = cli(["rollback", "--dir", dirOf("web-1")]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `${dirOf("web-1")}: v2, current before v3, is no longer kept here (kept: v5, v6, v3); name one with --to\n`,
    );
    expect(run.code).toBe(1);
    expect(current("web-1")).toBe("releases/v3");
  });

  it("neither does the target's own script, run with no network and no node", () => {
    const run = script("web-2");
    expect(run.stderr).toBe(
      `shipline-rollback: ${dirOf("web-2")}: v2, current before v3, is no longer kept here (kept: v3, v5, v6); name one with --to\n`,
    );
    expect(run.code).toBe(1);
    expect(current("web-2")).toBe("releases/v3");
  });

  it("after v7 goes out and is rolled back offline, both go back to v3, the release current before it", async () => {
    const run = await action({ release: "v7" });
    expect(run.code, run.stdout).toBe(0);
    world.github.addDeployment({ ref: "v7", environment: "production", states: ["success"] });
    const viaCli = cli(["rollback", "--dir", dirOf("web-1")]);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(viaCli.stdout).toContain(`${dirOf("web-1")}: current -> releases/v3 (was v7)`);
    const viaScript = script("web-2");
    expect(viaScript.code, viaScript.stderr).toBe(0);
    expect(viaScript.stdout).toContain(`${dirOf("web-2")}: current -> releases/v3 (was v7)`);
    expect(history("web-1").at(-1)).toMatch(/ rollback v3 v7 cli$/);
    expect(history("web-2").at(-1)).toMatch(/ rollback v3 v7 script$/);
    for (const t of TARGETS) expect(readFileSync(join(dirOf(t), "current/VERSION"), "utf8")).toBe("v3");
  });

  it("the Action's own rollback follows the targets' history too: v7, rolled back on the hosts, is not gone back to", async () => {
    // GitHub still records v7 as the newest good release before v8: the offline rollback left no GitHub record
    const out = await action({ release: "v8" });
    expect(out.code, out.stdout).toBe(0);
    world.github.addDeployment({ ref: "v8", environment: "production", states: ["success"] });
    const back = await action({ release: "", mode: "rollback", from: "v8", reason: "bad v8" });
    expect(back.code, back.stdout).toBe(0);
    expect(back.stdout).toContain("the targets' deploy history: v3 was current before v8");
    expect(back.outputs.version).toBe("v3");
    for (const t of TARGETS) {
      expect(current(t)).toBe("releases/v3");
      expect(history(t).at(-1)).toMatch(/ rollback v3 v8 action$/);
    }
  });
});
