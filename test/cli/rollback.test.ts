import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { appendHistory } from "../../src/rollout/drivers/history.js";
import { installRelease, switchCurrent } from "../../src/rollout/drivers/release-dir.js";

let dir: string;
let out: string[];
let err: string[];
const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };

async function install(version: string, at: string) {
  const tree = mkdtempSync(join(tmpdir(), "shipline-cli-tree-"));
  writeFileSync(join(tree, "VERSION"), version);
  await installRelease(dir, version, tree, { version, installedAt: at });
  rmSync(tree, { recursive: true });
}

/** A deploy as the directory driver makes it: switch, then one history line. */
async function deploy(version: string, previous: string | null, event: "deploy" | "rollback" = "deploy") {
  await switchCurrent(dir, version);
  await appendHistory(dir, { time: "2026-01-04T00:00:00Z", event, release: version, previous, by: "action" });
}
const history = () =>
  readFileSync(join(dir, "shipline-history"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "shipline-cli-"));
  out = [];
  err = [];
  await install("v1", "2026-01-01T00:00:00.000Z");
  await install("v2", "2026-01-02T00:00:00.000Z");
  await install("v3", "2026-01-03T00:00:00.000Z");
  await deploy("v1", null);
  await deploy("v2", "v1");
  await deploy("v3", "v2");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("rolls a directory target back to what was current before by its history, and records it", async () => {
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v2");
  expect(readFileSync(join(dir, "current/VERSION"), "utf8")).toBe("v2");
  expect(out[0]).toBe(`${dir}: current -> releases/v2 (was v3)`);
  expect(history().at(-1)).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z rollback v2 v3 cli$/);
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
  expect(history().at(-1)).toMatch(/ rollback v1 v2 cli$/);
});

it("follows the history, never install time: a release installed again is not 'newer'", async () => {
  // v1 was rolled back to from v3 (and installed again, so it is the newest install); a rollback from v1 must
  // not go forward to v3 or v2: nothing was current before v1
  await install("v1", "2026-01-05T00:00:00.000Z");
  await deploy("v1", "v3", "rollback");
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toBe(
    `${dir}: the deploy history has no release before v1 (kept: v2, v3, v1); name one with --to`,
  );
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
  expect(history().at(-1)).toMatch(/ rollback v1 v3 action$/);
});

it("names the release that was current before when it is no longer kept, and changes nothing", async () => {
  rmSync(join(dir, "releases/v2"), { recursive: true });
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toBe(
    `${dir}: v2, current before v3, is no longer kept here (kept: v1, v3); name one with --to`,
  );
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v3");
  expect(history()).toHaveLength(3);
});

it("refuses a target with no history rather than guessing by install time", async () => {
  rmSync(join(dir, "shipline-history"));
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toBe(
    `${dir}: there is no deploy history here (shipline-history), so nothing says what was current before v3 (kept: v1, v2, v3); name one with --to`,
  );
  expect(await runCli(["rollback", "--dir", dir, "--to", "v2"], io)).toBe(0);
  expect(history()).toEqual([expect.stringMatching(/ rollback v2 v3 cli$/)]);
});

it("rolls back to a named kept release", async () => {
  expect(await runCli(["rollback", "--dir", dir, "--to", "v1"], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
});

it("explains when there is nothing to roll back to", async () => {
  await deploy("v1", "v3", "rollback");
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toBe(
    `${dir}: the deploy history has no release before v1 (kept: v1, v2, v3); name one with --to`,
  );
  expect(await runCli(["rollback", "--dir", dir, "--to", "v9"], io)).toBe(1);
  expect(err[1]).toBe(`${dir}: v9 is not kept here (kept: v1, v2, v3)`);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
});

it("ignores unfinished installs and refuses a current that is not its link", async () => {
  mkdirSync(join(dir, "releases/v4"));
  expect(await runCli(["releases", "--dir", dir], io)).toBe(0);
  expect(out).toEqual([
    expect.stringMatching(/^\* v3 +installed 2026-01-03/),
    expect.stringMatching(/^ {2}v2 /),
    expect.stringMatching(/^ {2}v1 /),
  ]);
  rmSync(join(dir, "current"));
  mkdirSync(join(dir, "current"));
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toContain("is not a symlink");
});

it("prints usage for unknown commands and arguments", async () => {
  expect(await runCli(["frobnicate"], io)).toBe(2);
  expect(err[0]).toContain('unknown command "frobnicate"');
  expect(await runCli(["rollback", "--dri", dir], io)).toBe(2);
  expect(err[1]).toContain("unknown argument --dri");
});
