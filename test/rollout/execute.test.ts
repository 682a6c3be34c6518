import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { directoryDriver } from "../../src/rollout/drivers/directory.js";
import { listReleases } from "../../src/rollout/drivers/release-dir.js";
import type { TargetDriver } from "../../src/rollout/drivers/types.js";
import { runWaves } from "../../src/rollout/execute.js";
import type { Target, Wave } from "../../src/rollout/plan.js";
import { lazySource } from "../../src/rollout/source.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "shipline-exec-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const t = (name: string): Target => ({ name, region: "r" });
const waves: Wave[] = [
  { index: 1, label: "a", targets: [t("h1"), t("h2")] },
  { index: 2, label: "b", targets: [t("h3"), t("h4"), t("h5")] },
  { index: 3, label: "c", targets: [t("h6")] },
];

function source(version: string) {
  let downloads = 0;
  const tree = mkdtempSync(join(root, `tree-${version}-`));
  writeFileSync(join(tree, "VERSION"), version);
  const s = lazySource(
    version,
    async () => {
      downloads++;
      return { version, digest: `sha256:${version}`, files: [] };
    },
    async () => tree,
  );
  return { source: s, downloads: () => downloads };
}

const run = (driver: TargetDriver<unknown>, mode: "rollout" | "rollback" = "rollout", concurrency = 1) =>
  runWaves({
    waves,
    driver,
    concurrency,
    mode,
    stage: "prod",
    environment: "production",
    restoreOnFailure: mode === "rollout",
  });

const current = (name: string) => {
  const link = join(root, name, "current");
  return existsSync(link) ? readlinkSync(link) : null;
};

it("installs into releases/<version>, switches current, and rolls back exactly the touched targets", async () => {
  const v1 = source("v1");
  const first = await run(
    directoryDriver({ path: join(root, "{target}"), keep: 2, base: root, source: v1.source }),
  );
  expect(first.ok).toBe(true);
  expect(["h1", "h2", "h3", "h4", "h5", "h6"].map(current)).toEqual(Array(6).fill("releases/v1"));
  // h4 cannot take a new release: its releases/ folder is a file.
  rmSync(join(root, "h4/releases"), { recursive: true });
  writeFileSync(join(root, "h4/releases"), "");
  rmSync(join(root, "h4/current"));
  const v2 = source("v2");
  const second = await run(
    directoryDriver({ path: join(root, "{target}"), keep: 2, base: root, source: v2.source }),
  );
  expect(second.ok).toBe(false);
  expect(second.waves.map((w) => w.status)).toEqual(["succeeded", "failed", "not started"]);
  expect(second.touched.map((x) => x.name)).toEqual(["h1", "h2", "h3", "h4"]);
  expect(second.restored.map((r) => [r.target.name, r.status])).toEqual([
    ["h4", "rolled back"],
    ["h3", "rolled back"],
    ["h2", "rolled back"],
    ["h1", "rolled back"],
  ]);
  expect(["h1", "h2", "h3", "h4", "h5", "h6"].map(current)).toEqual([
    "releases/v1",
    "releases/v1",
    "releases/v1",
    null,
    "releases/v1",
    "releases/v1",
  ]);
  expect(v2.downloads()).toBe(1);
});

it("reports targets already at the version as unchanged and keeps the newest releases plus current", async () => {
  for (const v of ["v1", "v2", "v3"]) {
    const s = source(v);
    await run(directoryDriver({ path: join(root, "{target}"), keep: 2, base: root, source: s.source }));
  }
  expect((await listReleases(join(root, "h1"))).map((r) => r.name)).toEqual(["v2", "v3"]);
  const again = source("v3");
  const report = await run(
    directoryDriver({ path: join(root, "{target}"), keep: 2, base: root, source: again.source }),
  );
  expect(report.waves.flatMap((w) => w.targets.map((x) => x.status))).toEqual(Array(6).fill("unchanged"));
  expect(again.downloads()).toBe(0);
  const back = source("v2");
  const rollback = await run(
    directoryDriver({ path: join(root, "{target}"), keep: 2, base: root, source: back.source }),
    "rollback",
  );
  expect(rollback.ok).toBe(true);
  expect(current("h6")).toBe("releases/v2");
  expect(back.downloads()).toBe(0);
});

it("runs at most `concurrency` targets at once and starts nothing after a failure", async () => {
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const driver: TargetDriver<null> = {
    kind: "fake",
    perBatch: false,
    before: async () => null,
    async deploy(targets) {
      started.push(targets[0]!.name);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      if (targets[0]!.name === "h3") throw new Error("boom");
      return { changed: true, detail: "ok" };
    },
    restore: async () => "restored",
  };
  const report = await runWaves({
    waves: [{ index: 1, label: "all", targets: ["h1", "h2", "h3", "h4", "h5", "h6", "h7"].map(t) }],
    driver,
    concurrency: 2,
    mode: "rollout",
    stage: "s",
    environment: "e",
    restoreOnFailure: true,
  });
  expect(peak).toBe(2);
  expect(started).toEqual(["h1", "h2", "h3", "h4"]);
  expect(report.restored.map((r) => r.target.name).sort()).toEqual(["h1", "h2", "h3", "h4"]);
  expect(report.error).toBe("boom");
});
