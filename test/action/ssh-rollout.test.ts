// The built Action (Node 24, as a runner runs it) with the ssh driver against three real sshd "hosts" on loopback:
// the key comes from a secret in the step's environment and never reaches the log, the host keys from the config;
// a rollout, then a rollback that switches back without downloading anything.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshFleet, startSshFleet } from "../rollout/helpers/sshd.js";
import { checksumFile, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

let root: string;
let fleet: SshFleet;
let github: FakeGitHub;
const NAMES = ["web-1", "web-2", "web-3"];

function release(version: string) {
  const asset = {
    name: `app-${version}.tar.gz`,
    data: tarball(root, { VERSION: version, "bin/app": "#!/bin/sh\n" }),
  };
  return [asset, { name: "SHA256SUMS", data: checksumFile([asset]) }];
}

const current = (name: string) => readlinkSync(join(root, "hosts", name, "current"));

/** ssh processes still running with this run's control sockets (none may outlive the step). */
function leftoverSsh(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.startsWith("ssh") && cmd.includes(dir)) found.push(cmd);
    } catch {}
  }
  return found;
}

const deploy = (inputs: Record<string, string>) =>
  runBundle(
    root,
    { "work-dir": join(root, "work"), token: "ghs_tok", ...inputs },
    {
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: github.url,
      GITHUB_WORKSPACE: join(root, "ws"),
      RUNNER_TEMP: join(root, "runner-temp"),
      SSH_PRIVATE_KEY: fleet.privateKey,
    },
  );

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-action-ssh-"));
  mkdirSync(join(root, "runner-temp"));
  fleet = await startSshFleet(root, NAMES);
  mkdirSync(join(root, "ws/.github"), { recursive: true });
  const hosts = fleet.hosts.map((h) => `      ${h.name}: "${fleet.user}@127.0.0.1:${h.port}"`).join("\n");
  const knownHosts = fleet.hosts.map((h) => `      ${h.knownHostsLine}`).join("\n");
  writeFileSync(
    join(root, "ws/.github/shipline.yml"),
    `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2], us-east: [web-3] }
driver:
  type: ssh
  path: "${root}/hosts/{target}"
  hosts:
${hosts}
  known-hosts: |
${knownHosts}
  restart: 'echo "now serving $SHIPLINE_VERSION on $SHIPLINE_TARGET"'
  health: "test -f VERSION"
stages:
  - { name: production, environment: production, waves: [50, 100] }
`,
  );
  github = new FakeGitHub();
  github.addRelease("v1.0.0", release("v1.0.0"));
  github.addRelease("v1.1.0", release("v1.1.0"));
  github.addRelease("v1.2.0", release("v1.2.0"));
  await github.start();
}, 120_000);

afterAll(async () => {
  await github?.stop();
  await fleet?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the built Action with the ssh driver", () => {
  it("rolls out over SSH; the private key is never logged and nothing of it (or of ssh) is left behind", async () => {
    const run = await deploy({ release: "v1.0.0", stage: "production" });
    expect(run.code, run.stdout).toBe(0);
    for (const name of NAMES) expect(current(name)).toBe("releases/v1.0.0");
    expect(run.stdout).toContain("sha256 checked on the host, installed v1.0.0");
    expect(run.stdout).toMatch(/\[web-3 \(root@127\.0\.0\.1:\d+\)\] now serving v1\.0\.0 on web-3/);
    const keyBody = fleet.privateKey.split("\n")[1]!;
    expect(run.stdout).not.toContain(keyBody);
    expect(run.summary).not.toContain(keyBody);
    expect(readdirSync(join(root, "runner-temp")).filter((f) => f.startsWith("shipline-ssh-"))).toEqual([]);
    expect(leftoverSsh(join(root, "runner-temp"))).toEqual([]);
    github.addDeployment({ ref: "v1.0.0", environment: "production", states: ["success"] });
  });

  it("a rollback switches every host back to the kept release, with no download", async () => {
    const run = await deploy({ release: "v1.1.0", stage: "production" });
    expect(run.code, run.stdout).toBe(0);
    for (const name of NAMES) expect(current(name)).toBe("releases/v1.1.0");
    github.deployments[0]!.states.unshift("inactive");
    github.addDeployment({ ref: "v1.1.0", environment: "production", states: ["success"] });
    const downloads = github.downloads().length;
    const back = await deploy({ release: "", mode: "rollback", stage: "production", from: "v1.1.0" });
    expect(back.code, back.stdout).toBe(0);
    expect(github.downloads().length).toBe(downloads);
    for (const name of NAMES) {
      expect(current(name)).toBe("releases/v1.0.0");
      expect(readFileSync(join(root, "hosts", name, "shipline-history"), "utf8")).toMatch(
        /rollback v1\.0\.0 v1\.1\.0 ssh\n$/,
      );
    }
    expect(back.stdout).toContain("switched to the kept release (no download) v1.0.0");
  });

  it("a rollback without a named release follows the hosts' own histories, read over SSH", async () => {
    const run = await deploy({ release: "v1.2.0", stage: "production" });
    expect(run.code, run.stdout).toBe(0);
    github.addDeployment({ ref: "v1.2.0", environment: "production", states: ["success"] });
    // GitHub's previous successful release other than v1.2.0 is v1.1.0; the hosts went v1.0.0 -> v1.2.0 (v1.1.0
    // was rolled back), so their histories say v1.0.0.
    const back = await deploy({ release: "", mode: "rollback", stage: "production", from: "v1.2.0" });
    expect(back.code, back.stdout).toBe(0);
    expect(back.stdout).toContain("v1.0.0 was current before v1.2.0");
    for (const name of NAMES) expect(current(name)).toBe("releases/v1.0.0");
  });

  it("a driver.hosts entry naming no target is refused before any host is touched", async () => {
    const text = readFileSync(join(root, "ws/.github/shipline.yml"), "utf8").replace(
      "      web-3:",
      "      web-33:",
    );
    writeFileSync(join(root, "ws/.github/typo.yml"), text);
    const run = await deploy({ release: "v1.1.0", stage: "production", config: ".github/typo.yml" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "driver.hosts names web-33, which is not among the targets of .github/typo.yml",
    );
    for (const name of NAMES) expect(current(name)).toBe("releases/v1.0.0");
  });

  it("a missing key secret is a clear error and changes nothing", async () => {
    const run = await runBundle(
      root,
      { "work-dir": join(root, "work"), token: "ghs_tok", release: "v1.1.0", stage: "production" },
      { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: join(root, "ws") },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("the ssh driver needs the private key in SSH_PRIVATE_KEY");
    for (const name of NAMES) expect(current(name)).toBe("releases/v1.0.0");
  });
});
