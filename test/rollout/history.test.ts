import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directoryDriver, previousByHistory } from "../../src/rollout/drivers/directory.js";
import {
  type HistoryEntry,
  historyStack,
  parseHistory,
  previousFromHistory,
} from "../../src/rollout/drivers/history.js";
import { ROLLBACK_SCRIPT } from "../../src/rollout/drivers/rollback-script.js";
import type { DeployContext } from "../../src/rollout/drivers/types.js";
import { lazySource } from "../../src/rollout/source.js";

const e = (event: HistoryEntry["event"], release: string | null, previous: string | null): HistoryEntry => ({
  time: "2026-12-01T00:00:00Z",
  event,
  release,
  previous,
  by: "action",
});

describe("the history read as a stack of what was current", () => {
  it("deploys push, a rollback undoes the deploys after the release it goes back to", () => {
    const deploys = [e("deploy", "v1", null), e("deploy", "v2", "v1"), e("deploy", "v3", "v2")];
    expect(historyStack(deploys)).toEqual(["v1", "v2", "v3"]);
    expect(historyStack([...deploys, e("rollback", "v1", "v3")])).toEqual(["v1"]);
    expect(historyStack([...deploys, e("restore", "v2", "v3")])).toEqual(["v1", "v2"]);
    // a redeploy of the current release changes nothing; deploying an old version again is a new entry
    expect(historyStack([...deploys, e("deploy", "v3", "v3")])).toEqual(["v1", "v2", "v3"]);
    expect(historyStack([...deploys, e("deploy", "v1", "v3")])).toEqual(["v1", "v2", "v3", "v1"]);
  });

  it("a rollback to a release the stack does not hold replaces the one it moved away from", () => {
    const entries = [e("deploy", "v1", null), e("deploy", "v2", "v1"), e("rollback", "v9", "v2")];
    expect(historyStack(entries)).toEqual(["v1", "v9"]);
    expect(historyStack([e("deploy", "v1", null), e("restore", null, "v1")])).toEqual([]);
  });

  it("heals itself when a `previous` is not the top (a hand-made switch, or a legacy target)", () => {
    expect(historyStack([e("deploy", "v5", "v4")])).toEqual(["v4", "v5"]);
    expect(historyStack([e("deploy", "v1", null), e("deploy", "v3", "v2")])).toEqual(["v1", "v2", "v3"]);
  });

  it("keeps the last 100 entries, so a rollback never undoes more than 100 switches", () => {
    const deploys = Array.from({ length: 150 }, (_, i) => e("deploy", `v${i}`, i ? `v${i - 1}` : null));
    const stack = historyStack(deploys);
    expect(stack).toHaveLength(100);
    expect(stack[0]).toBe("v50");
    expect(historyStack([...deploys, e("rollback", "v10", "v149")]).slice(-2)).toEqual(["v148", "v10"]);
  });

  it("goes back to the entry below the top, or to the top when current is not it", () => {
    expect(previousFromHistory(["v1", "v2"], "v2")).toEqual({ ok: true, release: "v1" });
    expect(previousFromHistory(["v1", "v2"], "v7")).toMatchObject({ ok: true, release: "v2" });
    expect(previousFromHistory(["v2"], "v2")).toMatchObject({ ok: false, reason: "no-earlier" });
    expect(previousFromHistory([], "v2")).toMatchObject({ ok: false, reason: "no-history" });
  });

  it("skips lines that do not parse and says which", () => {
    const text = [
      "# header",
      "2026-12-01T00:00:00Z deploy v1 - action",
      "garbage",
      "2026-12-01T00:00:00Z deploy ../etc v1 action",
      "2026-12-01T00:00:00Z explode v2 v1 action",
      "2026-12-01T00:00:00Z deploy v2 v1 action extra fields",
    ].join("\n");
    const parsed = parseHistory(text);
    expect(parsed.skipped).toEqual([3, 4, 5]);
    expect(parsed.entries.map((x) => x.release)).toEqual(["v1", "v2"]);
  });
});

describe("the directory driver keeps the history and the rollback program on the target", () => {
  let root: string;
  let clock: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "shipline-history-"));
    clock = Date.parse("2026-12-01T10:00:00Z");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const dir = () => join(root, "web-1");
  const context = (mode: DeployContext["mode"]): DeployContext => ({
    mode,
    stage: "production",
    environment: "production",
    wave: { index: 1, label: "100%", targets: [] },
  });
  const driverFor = (version: string) => {
    const tree = mkdtempSync(join(root, `tree-${version}-`));
    writeFileSync(join(tree, "VERSION"), version);
    return directoryDriver({
      path: join(root, "{target}"),
      keep: 3,
      base: root,
      now: () => new Date(clock),
      source: lazySource(
        version,
        async () => ({ version, digest: `sha256:${version}`, files: [] }),
        async () => tree,
      ),
    });
  };
  const target = [{ name: "web-1", region: "eu" }];
  const deploy = (version: string, mode: DeployContext["mode"] = "rollout") => {
    clock += 60_000;
    return driverFor(version).deploy(target, context(mode));
  };
  const history = () =>
    readFileSync(join(dir(), "shipline-history"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
  const kept = () => readdirSync(join(dir(), "releases")).sort();

  it("appends one line per switch, with time, event, release, previous and who", async () => {
    await deploy("v1");
    await deploy("v2");
    await deploy("v2");
    await deploy("v1", "rollback");
    expect(history()).toEqual([
      "2026-12-01T10:01:00.000Z deploy v1 - action",
      "2026-12-01T10:02:00.000Z deploy v2 v1 action",
      "2026-12-01T10:04:00.000Z rollback v1 v2 action",
    ]);
    expect(readFileSync(join(dir(), "shipline-history"), "utf8")).toMatch(/^# shipline deploy history: /);
  });

  it("installs the rollback program beside the releases, executable, and rewrites it when it differs", async () => {
    await deploy("v1");
    const script = join(dir(), "shipline-rollback");
    expect(readFileSync(script, "utf8")).toBe(ROLLBACK_SCRIPT);
    expect(statSync(script).mode & 0o777).toBe(0o755);
    writeFileSync(script, "#!/bin/sh\necho tampered\n");
    await deploy("v1");
    expect(readFileSync(script, "utf8")).toBe(ROLLBACK_SCRIPT);
    expect(readdirSync(dir()).sort()).toEqual([
      "current",
      "releases",
      "shipline-history",
      "shipline-rollback",
    ]);
  });

  it("records a restore of a failed rollout, and removing current when there was none", async () => {
    await deploy("v1");
    const d = driverFor("v2");
    const before = await d.before(target);
    await d.deploy(target, context("rollout"));
    expect(await d.restore(target, before, context("rollout"))).toBe(`${dir()}: current -> v1`);
    expect(readlinkSync(join(dir(), "current"))).toBe("releases/v1");
    expect(history().at(-1)).toMatch(/ restore v1 v2 action$/);

    rmSync(dir(), { recursive: true });
    const fresh = driverFor("v3");
    await fresh.deploy(target, context("rollout"));
    await fresh.restore(target, null, context("rollout"));
    expect(existsSync(join(dir(), "current"))).toBe(false);
    expect(history()).toEqual([
      expect.stringMatching(/ deploy v3 - action$/),
      expect.stringMatching(/ restore - v3 action$/),
    ]);
  });

  it("keeps the releases most recently current by the history, not the newest installs", async () => {
    for (const v of ["v1", "v2", "v3", "v4", "v5", "v6"]) await deploy(v);
    expect(kept()).toEqual(["v4", "v5", "v6"]);
    // roll back to v3, pruned: it is downloaded and installed again, so it is the newest install
    await deploy("v3", "rollback");
    // most recently current: v3, v6, v5; v4 goes
    expect(kept()).toEqual(["v3", "v5", "v6"]);
    // a rollout of v7 from v3: current v7, below it v3; v5 (current longest ago) goes
    await deploy("v7");
    expect(kept()).toEqual(["v3", "v6", "v7"]);
  });

  it("answers what was current before `from` only when every target runs it and their histories agree", async () => {
    const hosts = [
      { name: "web-1", region: "eu" },
      { name: "web-2", region: "eu" },
    ];
    const on = async (name: string, version: string, mode: DeployContext["mode"] = "rollout") => {
      clock += 60_000;
      await driverFor(version).deploy([{ name, region: "eu" }], context(mode));
    };
    const ask = (from: string) => previousByHistory(join(root, "{target}"), hosts, root, from);
    for (const h of ["web-1", "web-2"]) for (const v of ["v1", "v2", "v3"]) await on(h, v);
    expect(await ask("v3")).toEqual({ ok: true, version: "v2" });
    expect(await ask("v2")).toEqual({ ok: false, why: "web-1 runs v3, not v2" });
    await on("web-2", "v1", "rollback");
    await on("web-2", "v3");
    expect(await ask("v3")).toEqual({
      ok: false,
      why: "the targets' histories disagree (v2 on web-1; v1 on web-2)",
    });
  });
});
