// The ssh driver against real OpenSSH servers: six sshd processes on loopback, each its own "host" with its own
// host key, deploying real tarballs in three waves, failing half-way through wave 2 when a host's sshd stops,
// refusing a host whose key changed, and rolling back to a kept release without downloading anything.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { combinedDigest, unpackRelease, type VerifiedRelease } from "../../src/artifacts/fetch-release.js";
import { parseConfig } from "../../src/config/index.js";
import type { Pipeline } from "../../src/config/types.js";
import { sshDriver } from "../../src/rollout/drivers/ssh.js";
import { runWaves } from "../../src/rollout/execute.js";
import { planStage, type Wave } from "../../src/rollout/plan.js";
import { lazySource, type ReleaseSource } from "../../src/rollout/source.js";
import { tarball } from "../action/helpers/assets.js";
import { type SshFleet, startSshFleet } from "./helpers/sshd.js";

const NAMES = ["web-1", "web-2", "web-3", "web-4", "web-5", "web-6"];
let root: string;
let fleet: SshFleet;
const log: string[] = [];
const downloads: string[] = [];

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A release as the Action has it after download and verification: the asset on disk, its digest, lazily. */
function release(version: string): ReleaseSource {
  const data = tarball(root, { "bin/app": `#!/bin/sh\necho ${version}\n`, VERSION: `${version}\n` });
  const path = join(root, `app-${version}.tar.gz`);
  writeFileSync(path, data);
  const files = [{ name: `app-${version}.tar.gz`, path, sha256: sha256(data), bytes: data.length }];
  const verified: VerifiedRelease = { version, digest: combinedDigest(files), files };
  return lazySource(
    version,
    async () => {
      downloads.push(version);
      return verified;
    },
    (v) => unpackRelease(v, join(root, `tree-${version}`), 10_000_000),
  );
}

/** A source that must never be downloaded (a rollback to a release the hosts keep). */
function noDownload(version: string): ReleaseSource {
  return {
    version,
    artifacts: () => Promise.reject(new Error(`${version} was downloaded`)),
    tree: () => Promise.reject(new Error(`${version} was unpacked`)),
  };
}

function pipeline(extra = ""): Pipeline {
  const hosts = fleet.hosts.map((h) => `${h.name}: "127.0.0.1:${h.port}"`).join(", ");
  const parsed = parseConfig(`
targets: { eu-west: [web-1, web-2, web-3], us-east: [web-4, web-5, web-6] }
driver:
  type: ssh
  path: "${root}/hosts/{target}/app"
  user: ${fleet.user}
  hosts: { ${hosts} }
  known-hosts-secret: SSH_KNOWN_HOSTS
  restart: 'echo "restarted $SHIPLINE_TARGET on $SHIPLINE_VERSION ($SHIPLINE_MODE)"; echo "$SHIPLINE_VERSION" > "$SHIPLINE_DIR/restarted"; sh "${root}/hook.sh"'
  health: 'grep -qx "$SHIPLINE_VERSION" VERSION'
  health-interval: 0
  keep: 2
stages:
  - { name: production, waves: [33, 66, 100] ${extra} }
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.pipelines[0]!;
}

const dir = (name: string) => join(root, "hosts", name, "app");
const current = (name: string) => {
  try {
    return readlinkSync(join(dir(name), "current"));
  } catch {
    return null;
  }
};
const history = (name: string) => {
  try {
    return readFileSync(join(dir(name), "shipline-history"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(" ").slice(1).join(" "));
  } catch {
    return [];
  }
};

async function deploy(
  source: ReleaseSource,
  mode: "rollout" | "rollback",
  waves?: Wave[],
  previous: string | null = null,
) {
  const p = pipeline();
  const stage = p.stages[0]!;
  const driver = sshDriver({
    spec: p.driver as Extract<NonNullable<Pipeline["driver"]>, { type: "ssh" }>,
    source,
    previousVersion: previous,
    env: { SSH_PRIVATE_KEY: fleet.privateKey, SSH_KNOWN_HOSTS: fleet.knownHosts() },
    log: (line) => log.push(line),
    tempDir: root,
  });
  return runWaves({
    waves: waves ?? planStage(p, stage, "seed").waves,
    driver,
    concurrency: 1,
    mode,
    stage: stage.name,
    environment: stage.environment,
    restoreOnFailure: mode === "rollout",
    onTarget: (r) => log.push(`${r.target.name}: ${r.status}: ${r.detail}`),
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "shipline-ssh-"));
  writeFileSync(join(root, "hook.sh"), "true\n");
  fleet = await startSshFleet(root, NAMES);
}, 60_000);
afterAll(async () => {
  await fleet?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("ssh driver against real OpenSSH servers", () => {
  let plan: Wave[];

  it("rolls a release out across 6 hosts in 3 waves: copied, sha256 checked there, unpacked, switched, restarted, healthy", async () => {
    plan = planStage(pipeline(), pipeline().stages[0]!, "seed").waves;
    expect(plan.map((w) => w.targets.length)).toEqual([2, 2, 2]);
    const report = await deploy(release("v1.0.0"), "rollout", plan);
    expect(report.ok, log.join("\n")).toBe(true);
    expect(report.waves.map((w) => w.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    for (const name of NAMES) {
      expect(current(name), name).toBe("releases/v1.0.0");
      expect(readFileSync(join(dir(name), "current/VERSION"), "utf8")).toBe("v1.0.0\n");
      const meta = JSON.parse(readFileSync(join(dir(name), "releases/v1.0.0/.shipline.json"), "utf8"));
      expect(meta).toMatchObject({
        version: "v1.0.0",
        assets: ["app-v1.0.0.tar.gz"],
        digest: expect.stringMatching(/^sha256:/),
      });
      expect(readFileSync(join(dir(name), "restarted"), "utf8")).toBe("v1.0.0\n");
      expect(history(name)).toEqual(["deploy v1.0.0 - ssh"]);
      expect(statSync(join(dir(name), "shipline-rollback")).mode & 0o777).toBe(0o755);
      // Nothing of the upload, and no lock, is left behind.
      expect(existsSync(join(dir(name), ".shipline-lock"))).toBe(false);
      expect(existsSync(join(dir(name), "releases/v1.0.0/.upload"))).toBe(false);
    }
    expect(log).toContain(
      `[web-1 (${fleet.user}@127.0.0.1:${fleet.hosts[0]!.port})] restarted web-1 on v1.0.0 (rollout)`,
    );
    expect(log.join("\n")).not.toContain("PRIVATE KEY");
    expect(downloads).toEqual(["v1.0.0"]);
  }, 60_000);

  it("a host whose sshd stops in the middle of wave 2 fails the wave: touched hosts roll back, the rest are left alone", async () => {
    const [first, second] = plan[1]!.targets;
    const victim = fleet.hosts.find((h) => h.name === second!.name)!;
    // The restart on the first host of wave 2 stops the second host's sshd, as a host going down mid-rollout.
    writeFileSync(
      join(root, "hook.sh"),
      `if [ "$SHIPLINE_TARGET" = ${first!.name} ] && [ "$SHIPLINE_MODE" = rollout ]; then kill "$(cat ${victim.pidFile})"; fi\n`,
    );
    log.length = 0;
    const report = await deploy(release("v2.0.0"), "rollout", plan, "v1.0.0");
    writeFileSync(join(root, "hook.sh"), "true\n");
    expect(report.ok).toBe(false);
    expect(report.waves.map((w) => w.status)).toEqual(["succeeded", "failed", "not started"]);
    expect(report.error).toContain(
      `${victim.name} (${fleet.user}@127.0.0.1:${victim.port}): connection refused`,
    );
    const touched = [...plan[0]!.targets.map((t) => t.name), first!.name];
    expect(report.restored.map((r) => `${r.target.name} ${r.status}`).sort()).toEqual(
      touched.map((t) => `${t} rolled back`).sort(),
    );
    for (const name of touched) {
      expect(current(name), name).toBe("releases/v1.0.0");
      expect(history(name)).toEqual([
        "deploy v1.0.0 - ssh",
        "deploy v2.0.0 v1.0.0 ssh",
        "restore v1.0.0 v2.0.0 ssh",
      ]);
      expect(readFileSync(join(dir(name), "restarted"), "utf8")).toBe("v1.0.0\n");
    }
    for (const name of [victim.name, ...plan[2]!.targets.map((t) => t.name)]) {
      expect(current(name), name).toBe("releases/v1.0.0");
      expect(existsSync(join(dir(name), "releases/v2.0.0")), name).toBe(false);
      expect(history(name)).toEqual(["deploy v1.0.0 - ssh"]);
    }
    await victim.start();
  }, 60_000);

  it("rolls back to the previous release by switching back on every host, with no download", async () => {
    log.length = 0;
    const out = await deploy(release("v2.0.0"), "rollout", plan, "v1.0.0");
    expect(out.ok, log.join("\n")).toBe(true);
    for (const name of NAMES) expect(current(name)).toBe("releases/v2.0.0");
    downloads.length = 0;
    const back = await deploy(
      noDownload("v1.0.0"),
      "rollback",
      [{ index: 1, label: "all", targets: plan.flatMap((w) => w.targets) }],
      "v2.0.0",
    );
    expect(back.ok, log.join("\n")).toBe(true);
    expect(downloads).toEqual([]);
    for (const name of NAMES) {
      expect(current(name), name).toBe("releases/v1.0.0");
      expect(history(name).at(-1)).toBe("rollback v1.0.0 v2.0.0 ssh");
      expect(readFileSync(join(dir(name), "restarted"), "utf8")).toBe("v1.0.0\n");
    }
    expect(log.filter((l) => l.includes("switched to the kept release (no download) v1.0.0"))).toHaveLength(
      6,
    );
  }, 60_000);

  it("keeps `keep` releases on each host, never the current one", async () => {
    const out = await deploy(release("v3.0.0"), "rollout", plan, "v1.0.0");
    expect(out.ok, log.join("\n")).toBe(true);
    for (const name of NAMES) {
      expect(current(name)).toBe("releases/v3.0.0");
      expect(existsSync(join(dir(name), "releases/v3.0.0"))).toBe(true);
      expect(existsSync(join(dir(name), "releases/v1.0.0"))).toBe(true);
      // v2.0.0 was current less recently than v1.0.0 (rolled back from): pruned at keep 2.
      expect(existsSync(join(dir(name), "releases/v2.0.0")), name).toBe(false);
    }
    // The offline rollback works on a host deployed over SSH: its own shipline-rollback, no Node, no network.
    const out2 = execFileSync("sh", [join(dir("web-1"), "shipline-rollback")], { encoding: "utf8" });
    expect(out2).toContain("v1.0.0");
    expect(current("web-1")).toBe("releases/v1.0.0");
    expect(history("web-1").at(-1)).toBe("rollback v1.0.0 v3.0.0 script");
  }, 60_000);

  it("checks the artifact's sha256 on the host: a copy that does not match is refused and nothing is installed", async () => {
    const good = release("v3.5.0");
    const verified = await good.artifacts();
    const wrong: ReleaseSource = {
      version: "v3.5.0",
      artifacts: async () => ({
        ...verified,
        files: verified.files.map((f) => ({ ...f, sha256: "0".repeat(64) })),
      }),
      tree: () => good.tree(),
    };
    const target = plan[0]!.targets[0]!;
    log.length = 0;
    const report = await deploy(
      wrong,
      "rollout",
      [{ index: 1, label: target.name, targets: [target] }],
      "v3.0.0",
    );
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(
      /sha256 of app-v3\.5\.0\.tar\.gz on this host is [0-9a-f]{64}, expected 0{64}: the copy is damaged; nothing was installed/,
    );
    expect(current(target.name)).toBe(target.name === "web-1" ? "releases/v1.0.0" : "releases/v3.0.0");
    expect(
      readdirSync(join(dir(target.name), "releases")).filter(
        (n) => n.includes("v3.5.0") || n.startsWith(".incoming"),
      ),
    ).toEqual([]);
  }, 60_000);

  it("honours the target's lock: a person's rollback on the host holds the deploy off; a stale lock of this runner is taken over", async () => {
    const target = plan[1]!.targets[0]!;
    const lockDir = join(dir(target.name), ".shipline-lock");
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, "owner"), "script 4242 ops-box 2026-12-01T10:00:00Z\n");
    const before = history(target.name);
    const refused = await deploy(
      release("v3.6.0"),
      "rollout",
      [{ index: 1, label: target.name, targets: [target] }],
      "v3.0.0",
    );
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain("another Shipline deploy or rollback is switching");
    expect(refused.error).toContain("script 4242 ops-box");
    expect(current(target.name)).toBe("releases/v3.0.0");
    expect(history(target.name)).toEqual(before);
    expect(refused.restored.map((r) => r.detail)).toEqual([expect.stringContaining("nothing to restore")]);
    // A lock left by a run of this runner whose process is gone is taken over.
    writeFileSync(join(lockDir, "owner"), `ssh 2147483 ${hostname()} 2026-12-01T10:00:00Z\n`);
    log.length = 0;
    const taken = await deploy(
      release("v3.6.0"),
      "rollout",
      [{ index: 1, label: target.name, targets: [target] }],
      "v3.0.0",
    );
    expect(taken.ok, log.join("\n")).toBe(true);
    expect(log.some((l) => l.includes("taking over the lock left by ssh 2147483"))).toBe(true);
    expect(current(target.name)).toBe("releases/v3.6.0");
    expect(existsSync(lockDir)).toBe(false);
  }, 60_000);

  it("refuses a host whose host key changed, and changes nothing on it", async () => {
    const host = fleet.hosts[2]!;
    await host.stop();
    await host.start(true);
    log.length = 0;
    const target = plan.flatMap((w) => w.targets).find((t) => t.name === host.name)!;
    const report = await deploy(
      release("v4.0.0"),
      "rollout",
      [{ index: 1, label: host.name, targets: [target] }],
      "v3.0.0",
    );
    expect(report.ok).toBe(false);
    expect(report.error).toContain("the host key does not match the known_hosts Shipline was given");
    expect(report.restored).toEqual([]);
    expect(current(host.name)).toBe("releases/v3.0.0");
    expect(existsSync(join(dir(host.name), "releases/v4.0.0"))).toBe(false);
  }, 60_000);

  it("without known_hosts nothing connects: host keys are always verified", async () => {
    const p = pipeline();
    const driver = sshDriver({
      spec: p.driver as Extract<NonNullable<Pipeline["driver"]>, { type: "ssh" }>,
      source: noDownload("v1.0.0"),
      previousVersion: null,
      env: { SSH_PRIVATE_KEY: fleet.privateKey },
      log: () => undefined,
    });
    await expect(driver.before([{ name: "web-1", region: "eu-west" }])).rejects.toThrow(
      "driver.known-hosts-secret names SSH_KNOWN_HOSTS, which is not set",
    );
  });
});
