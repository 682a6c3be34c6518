import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumFile, debPackage, tarball, zipArchive } from "./helpers/assets.js";
import { type BundleRun, buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

const EU = Array.from({ length: 10 }, (_, i) => `eu-${i + 1}`);
const US = Array.from({ length: 10 }, (_, i) => `us-${i + 1}`);

let root: string;
let github: FakeGitHub;

function release(version: string) {
  const assets = [
    {
      name: `app-${version}.tar.gz`,
      data: tarball(root, { "bin/app": `#!/bin/sh\necho ${version}\n`, VERSION: version }),
    },
    { name: `app-${version}.zip`, data: zipArchive(root, { "static/index.html": `<h1>${version}</h1>` }) },
    {
      name: `app_${version}_all.deb`,
      data: debPackage(root, version.replace(/^v/, ""), { "usr/share/shop/README": version }),
    },
  ];
  return [...assets, { name: "SHA256SUMS", data: checksumFile(assets) }];
}

const config = (targetsRoot: string) => `
artifacts: { assets: ["app-*.tar.gz", "app-*.zip", "app_*.deb"], checksums: SHA256SUMS }
targets:
  eu-west: [${EU.join(", ")}]
  us-east: [${US.join(", ")}]
driver: { type: directory, path: "${targetsRoot}/{region}/{target}", keep: 3 }
stages:
  - { name: canary, environment: production, percent: 10, every-region: true }
  - { name: production, environment: production, waves: [25, 50, 100], concurrency: 4 }
`;

const current = (region: string, target: string) => {
  const link = join(root, "targets", region, target, "current");
  return existsSync(link) ? readlinkSync(link) : null;
};
const all = () => [...EU.map((t) => current("eu-west", t)), ...US.map((t) => current("us-east", t))];

async function deploy(inputs: Record<string, string>): Promise<BundleRun> {
  return runBundle(
    root,
    { "work-dir": join(root, "work"), token: "ghs_secret123", ...inputs },
    {
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: github.url,
      GITHUB_WORKSPACE: join(root, "ws"),
    },
  );
}

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-action-"));
  const ws = join(root, "ws");
  rmSync(ws, { recursive: true, force: true });
  await import("node:fs").then((fs) => fs.mkdirSync(join(ws, ".github"), { recursive: true }));
  writeFileSync(join(ws, ".github/shipline.yml"), config(join(root, "targets")));
  github = new FakeGitHub();
  github.addRelease("v1.0.0", release("v1.0.0"));
  github.addRelease("v1.1.0", release("v1.1.0"));
  await github.start();
}, 120_000);

afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the built Action over 20 directory targets in two regions", () => {
  it("rolls v1.0.0 out to production in 25/50/100 waves", async () => {
    const run = await deploy({ release: "v1.0.0", stage: "production" });
    expect(run.code, run.stdout).toBe(0);
    expect(all()).toEqual(Array(20).fill("releases/v1.0.0"));
    const tree = join(root, "targets/eu-west/eu-1/current");
    expect(readFileSync(join(tree, "VERSION"), "utf8")).toBe("v1.0.0");
    expect(readFileSync(join(tree, "static/index.html"), "utf8")).toBe("<h1>v1.0.0</h1>");
    expect(readFileSync(join(tree, "usr/share/shop/README"), "utf8")).toBe("v1.0.0");
    expect(run.outputs.version).toBe("v1.0.0");
    expect(JSON.parse(run.outputs.targets!)).toHaveLength(20);
    expect(run.outputs["previous-version"]).toBe("");
    expect(run.stdout).toContain("::group::Wave 1: 25%25 (5 targets)");
    expect(run.stdout).toContain("::group::Wave 2: 50%25 (5 targets)");
    expect(run.stdout).toContain("::group::Wave 3: 100%25 (10 targets)");
    expect(run.stdout).toContain("::add-mask::ghs_secret123");
    expect(run.stdout.replace("::add-mask::ghs_secret123", "")).not.toContain("ghs_secret123");
    expect(run.summary).toContain("```mermaid");
    expect(run.summary).toContain("w1 --> w2 --> w3");
    expect(run.summary).toContain("| 3: 100% |");
    github.addDeployment({ ref: "v1.0.0", environment: "production", states: ["success"] });
  });

  it("rolls v1.1.0 to a 10% canary covering both regions, the same hosts every time", async () => {
    const run = await deploy({ release: "v1.1.0", stage: "canary" });
    expect(run.code, run.stdout).toBe(0);
    const canary = JSON.parse(run.outputs.targets!) as string[];
    expect(canary).toHaveLength(2);
    expect(canary.some((t) => t.startsWith("eu-"))).toBe(true);
    expect(canary.some((t) => t.startsWith("us-"))).toBe(true);
    expect(all().filter((c) => c === "releases/v1.1.0")).toHaveLength(2);
    expect(run.outputs["previous-version"]).toBe("v1.0.0");
    const again = await deploy({ release: "v1.1.0", stage: "canary" });
    expect(JSON.parse(again.outputs.targets!)).toEqual(canary);
    expect(again.stdout).toContain("already runs v1.1.0");
  });

  it("rolls v1.1.0 out to production, then rolls back to v1.0.0 without downloading anything", async () => {
    const run = await deploy({ release: "v1.1.0", stage: "production" });
    expect(run.code, run.stdout).toBe(0);
    expect(all()).toEqual(Array(20).fill("releases/v1.1.0"));
    github.deployments[0]!.states.unshift("inactive");
    github.addDeployment({ ref: "v1.1.0", environment: "production", states: ["success"] });

    const downloadsBefore = github.downloads().length;
    const back = await deploy({
      release: "",
      mode: "rollback",
      stage: "production",
      from: "v1.1.0",
      reason: "errors",
    });
    expect(back.code, back.stdout).toBe(0);
    expect(all()).toEqual(Array(20).fill("releases/v1.0.0"));
    expect(github.downloads().length).toBe(downloadsBefore);
    expect(back.outputs.version).toBe("v1.0.0");
    expect(back.outputs["previous-version"]).toBe("v1.1.0");
    expect(back.summary).toContain("Shipline rollback of v1.0.0 to production: succeeded");
  });

  it("rolls a canary back on exactly the hosts its rollout chose", async () => {
    const canary = await deploy({ release: "v1.1.0", stage: "canary" });
    const chosen = JSON.parse(canary.outputs.targets!) as string[];
    const back = await deploy({ release: "v1.0.0", mode: "rollback", stage: "canary", from: "v1.1.0" });
    expect(back.code, back.stdout).toBe(0);
    expect(JSON.parse(back.outputs.targets!)).toEqual(chosen);
    expect(all()).toEqual(Array(20).fill("releases/v1.0.0"));
  });

  it("sends the token to the API only, never to the asset storage", () => {
    const storage = github.requests.filter((r) => r.path.startsWith("/storage/"));
    expect(storage.length).toBeGreaterThan(0);
    expect(storage.every((r) => r.authorization === undefined)).toBe(true);
    expect(
      github.requests
        .filter((r) => r.path.startsWith("/repos/"))
        .every((r) => r.authorization === "Bearer ghs_secret123"),
    ).toBe(true);
  });
});
