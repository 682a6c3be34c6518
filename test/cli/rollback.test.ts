import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
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

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "shipline-cli-"));
  out = [];
  err = [];
  await install("v1", "2026-01-01T00:00:00.000Z");
  await install("v2", "2026-01-02T00:00:00.000Z");
  await install("v3", "2026-01-03T00:00:00.000Z");
  await switchCurrent(dir, "v3");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("rolls a directory target back to the release installed before the current one, offline", async () => {
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v2");
  expect(readFileSync(join(dir, "current/VERSION"), "utf8")).toBe("v2");
  expect(out[0]).toBe(`${dir}: current -> releases/v2 (was v3)`);
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
});

it("rolls back to a named kept release", async () => {
  expect(await runCli(["rollback", "--dir", dir, "--to", "v1"], io)).toBe(0);
  expect(readlinkSync(join(dir, "current"))).toBe("releases/v1");
});

it("explains when there is nothing to roll back to", async () => {
  await switchCurrent(dir, "v1");
  expect(await runCli(["rollback", "--dir", dir], io)).toBe(1);
  expect(err[0]).toBe(`${dir}: no release older than v1 is kept (kept: v1, v2, v3); name one with --to`);
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
  expect(await runCli(["deploy"], io)).toBe(2);
  expect(err[0]).toContain('unknown command "deploy"');
  expect(await runCli(["rollback", "--dri", dir], io)).toBe(2);
  expect(err[1]).toBe("unknown argument --dri");
});
