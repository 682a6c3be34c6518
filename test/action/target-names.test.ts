import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { parseConfig } from "../../src/config/parse.js";
import { configCheck } from "../../src/pipeline/config-check.js";
import { type BundleWorld, startBundleWorld } from "./helpers/world.js";

let world: BundleWorld;

const directoryConfig = (root: string) => `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1, slots/blue] }
driver: { type: directory, path: "${root}/targets/{target}" }
stages: [{ name: production }]
`;
const PROBLEM =
  /targets\.eu\[1\] \(line 2, column \d+\): target "slots\/blue" cannot be a folder name in driver\.path ".*\/targets\/\{target\}" \(directory driver\)/;

beforeAll(async () => {
  world = await startBundleWorld({ name: "target-names", config: directoryConfig, releases: ["v1"] });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe("target names that cannot work with the driver are refused at config time", () => {
  it("by the built Action, before any download or target", async () => {
    const run = await world.run({ release: "v1", stage: "production" });
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(PROBLEM);
    expect(world.github.downloads()).toEqual([]);
    expect(existsSync(join(world.root, "targets"))).toBe(false);
  }, 30_000);

  it("by `shipline validate`", async () => {
    const out: string[] = [];
    const code = await runCli(["validate", "--dir", world.workspace], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    expect(code).toBe(1);
    expect(out.join("\n")).toMatch(PROBLEM);
  });

  it("by the App's config check run", () => {
    const check = configCheck("a".repeat(40), parseConfig(directoryConfig("/srv")));
    expect(check.conclusion).toBe("failure");
    expect(check.summary).toContain("targets.eu[1]");
    expect(check.summary).toContain('target "slots/blue" cannot be a folder name');
  });

  it("the command driver takes host names, user@host and [v6]:port, never a leading '-' or whitespace", () => {
    const config = (targets: string) =>
      parseConfig(
        `targets: { eu: ${targets} }\ndriver: { type: command, run: "true" }\nstages: [{ name: p }]\n`,
      );
    expect(config(`["deploy@web-1.example.com", "[::1]:2222", "slots/blue"]`).ok).toBe(true);
    const bad = config(`["-oProxyCommand=sh", "web 2"]`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.path)).toEqual(["targets.eu[0]", "targets.eu[1]"]);
  });

  it("refuses a directory path without {target} when several targets would share it", () => {
    const config = (path: string, targets: string) =>
      parseConfig(
        `targets: { eu: ${targets} }\ndriver: { type: directory, path: "${path}" }\nstages: [{ name: p }]\n`,
      );
    const shared = config("/srv/app", "[web-1, web-2]");
    expect(shared.ok).toBe(false);
    if (!shared.ok)
      expect(shared.problems).toEqual([
        expect.objectContaining({
          path: "driver.path",
          line: 2,
          message: expect.stringContaining(
            'all 2 targets would install into the same folder at once; put {target} in it, e.g. "/srv/app/{target}"',
          ),
        }),
      ]);
    expect(config("/srv/app", "[web-1]").ok).toBe(true);
    expect(config("/srv/{region}/{target}", "[web-1, web-2]").ok).toBe(true);
  });

  it("checks the targets a named pipeline inherits against its own driver", () => {
    const result = parseConfig(`targets: { eu: [web-1, "a/b"] }
pipelines:
  api: { driver: { type: command, run: "true" }, stages: [{ name: p }] }
  web: { driver: { type: directory, path: "/srv/{target}" }, stages: [{ name: p }] }
`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ path: "targets.eu[1]", line: 1 });
    }
  });
});
