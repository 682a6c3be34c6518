// One rule, one place: each row gives GitHub's records and the answer; the App's path and the Action's path
// both read those records and must both give that answer (docs/architecture.md, "One rule, one place").
import { describe, expect, it } from "vitest";
import { CONFIG_PATH } from "../../src/config/index.js";
import { type GitHubRecords, type RecordAsset, type RecordDeployment, sha256 } from "./github-records.js";
import {
  type Answer,
  actionAssets,
  actionConfig,
  actionPrevious,
  afterApp,
  appAssets,
  appConfig,
  appPrevious,
  appPublish,
} from "./paths.js";

const SHA = "c0ffee".padEnd(40, "0");
const TARBALL = "the app, built by CI\n";
const CI = { login: "github-actions[bot]", type: "Bot" };
const ALICE = { login: "alice", type: "User" };

let owners = 0;

const CONFIG = `workflow: deploy.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
stages:
  - { name: staging }
  - { name: production, promote: manual }
`;

function tarball(over: Partial<RecordAsset> = {}): RecordAsset {
  return { id: 11, name: "app-1.2.0.tar.gz", text: TARBALL, uploader: CI, ...over };
}

function sums(text = `${sha256(TARBALL)}  app-1.2.0.tar.gz\n`, over: Partial<RecordAsset> = {}): RecordAsset {
  return { id: 12, name: "SHA256SUMS", text, uploader: CI, ...over };
}

/** GitHub's records for one row; every row is its own owner (the App's file cache never carries over). */
function records(over: {
  config?: string;
  orgDefaults?: string;
  tag?: string;
  assets?: RecordAsset[];
  deployments?: RecordDeployment[];
}): GitHubRecords {
  const owner = `contract-org-${++owners}`;
  const tag = over.tag ?? "v1.2.0";
  return {
    owner,
    repo: "service",
    files: {
      [`service@${tag}:${CONFIG_PATH}`]: over.config ?? CONFIG,
      ...(over.orgDefaults === undefined ? {} : { [`.github:${CONFIG_PATH}`]: over.orgDefaults }),
    },
    release: { tag, sha: SHA, author: "github-actions[bot]", assets: over.assets ?? [tarball(), sums()] },
    deployments: over.deployments ?? [],
    checkRuns: [],
  };
}

/** Both paths, in the order a release lives them: the App acts at publish, then the job reads what it left. */
async function bothConfigs(r: GitHubRecords, stage: string) {
  const { decision } = await appPublish(r);
  return { app: await appConfig(r, stage), action: await actionConfig(afterApp(r, decision), stage) };
}

function expectAnswer<T>(got: Answer<T>, want: T | RegExp, path: string) {
  if (want instanceof RegExp) {
    expect(got.ok, `${path} should refuse`).toBe(false);
    if (!got.ok) expect(got.error, path).toMatch(want);
  } else expect(got, path).toEqual({ ok: true, value: want });
}

describe("config loading with the organisation's defaults", () => {
  const ORG = "targets:\n  eu: [web-1, web-2]\n";
  const rows: { name: string; config: string; orgDefaults?: string; want: unknown }[] = [
    {
      name: "a stage that deploys to a region only the org's .github repository declares",
      config: `${CONFIG.replace("{ name: production, promote: manual }", "{ name: production, promote: manual, targets: [eu] }")}`,
      orgDefaults: ORG,
      want: { pipeline: "default", targets: { eu: ["web-1", "web-2"] } },
    },
    {
      name: "the repository's own targets over the org's",
      config: `${CONFIG}targets:\n  eu: [web-9]\n`,
      orgDefaults: ORG,
      want: { pipeline: "default", targets: { eu: ["web-9"] } },
    },
    {
      name: "no org defaults: the repository's config alone",
      config: CONFIG,
      want: { pipeline: "default", targets: {} },
    },
    {
      name: "a region neither the repository nor the org declares",
      config: CONFIG.replace("{ name: staging }", "{ name: staging, targets: [us] }"),
      orgDefaults: ORG,
      // Both refuse; the job names no regions: the App, refusing the config, dispatched nothing and recorded none.
      want: /unknown region "us"/,
    },
  ];
  it.each(rows)("$name", async ({ config, orgDefaults, want }) => {
    const r = records({ config, ...(orgDefaults === undefined ? {} : { orgDefaults }) });
    const { app, action } = await bothConfigs(r, "production");
    expectAnswer(app, want as never, "App");
    expectAnswer(action, want as never, "Action");
  });

  it("the job reads only the org defaults a GitHub App recorded, never a check run GitHub Actions wrote", async () => {
    const r = records({
      config: CONFIG.replace("{ name: staging }", "{ name: staging, targets: [eu] }"),
      orgDefaults: ORG,
    });
    const { decision } = await appPublish(r);
    const forged = afterApp(r, decision);
    forged.checkRuns = forged.checkRuns.map((c) => ({ ...c, app: { slug: "github-actions" } }));
    expect(await actionConfig(forged, "staging")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown region "eu"/),
    });
  });
});

describe("asset trust", () => {
  const wrongSum = "0".repeat(64);
  const rows: { name: string; assets: RecordAsset[]; config?: string; want: string[] | RegExp }[] = [
    {
      name: "CI uploaded the asset and the checksum file",
      assets: [tarball(), sums()],
      want: ["app-1.2.0.tar.gz"],
    },
    {
      name: "an uploader listed in artifacts.uploaders",
      assets: [tarball({ uploader: { login: "release-robot", type: "User" } }), sums()],
      config: CONFIG.replace("checksums: SHA256SUMS", "checksums: SHA256SUMS, uploaders: [release-robot]"),
      want: ["app-1.2.0.tar.gz"],
    },
    {
      name: "a bot account that is not github-actions",
      assets: [tarball({ uploader: { login: "release-please[bot]", type: "Bot" } }), sums()],
      want: ["app-1.2.0.tar.gz"],
    },
    {
      name: "GitHub names no uploader",
      assets: [tarball({ uploader: null }), sums()],
      want: /`app-1\.2\.0\.tar\.gz` was uploaded by an unknown account \(GitHub names no uploader\)/,
    },
    {
      name: "a person uploaded the asset",
      assets: [tarball({ uploader: ALICE }), sums()],
      want: /`app-1\.2\.0\.tar\.gz` was uploaded by alice \(a person\), not by CI/,
    },
    {
      name: "a person uploaded the checksum file",
      assets: [tarball(), sums(undefined, { uploader: ALICE })],
      want: /`SHA256SUMS` was uploaded by alice \(a person\), not by CI/,
    },
    {
      name: "the checksum file does not list the asset",
      assets: [tarball(), sums(`${sha256("other")}  app-1.1.0.tar.gz\n`)],
      want: /`SHA256SUMS` has no checksum for `app-1\.2\.0\.tar\.gz`/,
    },
    {
      name: "the checksum file gives another hash than GitHub's digest of the bytes",
      assets: [tarball(), sums(`${wrongSum}  app-1.2.0.tar.gz\n`)],
      want: /`SHA256SUMS` gives `app-1\.2\.0\.tar\.gz` the sha256 0{64}, but GitHub's digest of the uploaded bytes is/,
    },
    {
      name: "the checksum file is not attached",
      assets: [tarball()],
      want: /The checksum file `SHA256SUMS` is not attached to the release/,
    },
    {
      name: "no checksum file configured and GitHub has no digest",
      assets: [tarball({ digest: null })],
      config: CONFIG.replace(", checksums: SHA256SUMS", ""),
      want: /Nothing covers `app-1\.2\.0\.tar\.gz` with a checksum: GitHub has no sha256 digest for it/,
    },
    {
      name: "no checksum file configured, GitHub's digest covers the asset",
      assets: [tarball()],
      config: CONFIG.replace(", checksums: SHA256SUMS", ""),
      want: ["app-1.2.0.tar.gz"],
    },
  ];
  it.each(rows)("$name", async ({ assets, config, want }) => {
    const r = records({ assets, ...(config ? { config } : {}) });
    expectAnswer(await appAssets(r), want, "App");
    expectAnswer(await actionAssets(r), want, "Action");
  });

  it("a wrong hash GitHub has no digest for: the App cannot see it at publish, the job refuses before installing", async () => {
    // The one row where the answers differ, by design: the App never downloads the assets themselves (they can
    // be gigabytes); with no digest from GitHub, only the bytes show the lie, and the job reads the bytes.
    const r = records({ assets: [tarball({ digest: null }), sums(`${wrongSum}  app-1.2.0.tar.gz\n`)] });
    expectAnswer(await appAssets(r), ["app-1.2.0.tar.gz"], "App");
    expectAnswer(
      await actionAssets(r),
      /app-1\.2\.0\.tar\.gz: sha256 [0-9a-f]{64} does not match the checksum file \(0{64}\)/,
      "Action",
    );
  });
});

describe("the environment's previous good release", () => {
  let ids = 0;
  const deployment = (ref: string, statuses: string[], minute: number): RecordDeployment => ({
    id: ++ids,
    ref,
    environment: "production",
    created_at: `2026-11-30T10:${String(minute).padStart(2, "0")}:00Z`,
    statuses,
  });
  const rows: { name: string; deployments: () => RecordDeployment[]; want: string | null }[] = [
    {
      name: "the newest release whose newest status is success",
      deployments: () => [deployment("v1.1.0", ["success"], 1), deployment("v1.2.0", ["success"], 2)],
      want: "v1.2.0",
    },
    {
      name: "inactive after success (GitHub marks the older one inactive when a newer one succeeds)",
      deployments: () => [
        deployment("v1.1.0", ["inactive", "success", "in_progress"], 1),
        deployment("v1.2.0", ["inactive", "success"], 2),
        deployment("v1.3.0", ["success"], 3),
      ],
      want: "v1.2.0",
    },
    {
      name: "a release whose newest status is failure is skipped",
      deployments: () => [
        deployment("v1.1.0", ["inactive", "success"], 1),
        deployment("v1.2.0", ["failure", "success"], 2),
      ],
      want: "v1.1.0",
    },
    {
      name: "a release whose newest status is error is skipped",
      deployments: () => [
        deployment("v1.1.0", ["success"], 1),
        deployment("v1.2.0", ["error", "in_progress"], 2),
      ],
      want: "v1.1.0",
    },
    {
      name: "inactive without any success never counts",
      deployments: () => [deployment("v1.1.0", ["inactive", "queued"], 1)],
      want: null,
    },
    {
      name: "no deployments at all",
      deployments: () => [],
      want: null,
    },
    {
      name: "the good release is past the first page of 100 deployments",
      deployments: () => [
        deployment("v1.0.0", ["inactive", "success"], 0),
        ...Array.from({ length: 100 }, (_, i) => ({
          ...deployment(`v1.2.${i}`, ["failure"], 1),
          created_at: `2026-11-30T11:${String(Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}Z`,
        })),
      ],
      want: "v1.0.0",
    },
  ];
  it.each(rows)("$name", async ({ deployments, want }) => {
    const r = records({ deployments: deployments() });
    expect(await appPrevious(r, "production", "v1.3.0"), "App").toBe(want);
    expect(await actionPrevious(r, "production", "v1.3.0"), "Action").toBe(want);
  });
});

describe("the pipeline for a tag", () => {
  const ONE = (tags: string) => `${CONFIG}tags: "${tags}"\n`;
  const SEVERAL = `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
stages:
  - { name: staging }
pipelines:
  api: { tags: "api/v*" }
  web: { tags: "web/v*" }
  any: { tags: "*" }
`;
  const rows: { name: string; config: string; tag: string; want: string | RegExp }[] = [
    { name: "one pipeline, no tags: every tag", config: CONFIG, tag: "v1.2.0", want: "default" },
    { name: "one pipeline whose tags match", config: ONE("v*"), tag: "v1.2.0", want: "default" },
    {
      name: "one pipeline whose tags do not match",
      config: ONE("v*"),
      tag: "nightly-7",
      want: /matches no pipeline's `?tags/,
    },
    { name: "several: the one whose tags match", config: SEVERAL, tag: "web/v2.0.0", want: "web" },
    { name: "several that match: the first in file order", config: SEVERAL, tag: "api/v3.1.0", want: "api" },
    { name: "several: the catch-all", config: SEVERAL, tag: "v9", want: "any" },
    {
      name: "several, none matches",
      config: SEVERAL.replace('  any: { tags: "*" }\n', ""),
      tag: "v9",
      want: /matches no pipeline's `?tags/,
    },
  ];
  it.each(rows)("$name ($tag)", async ({ config, tag, want }) => {
    const r = records({ config, tag });
    const { app, action } = await bothConfigs(r, "staging");
    const name = (a: Answer<{ pipeline: string }>): Answer<string> =>
      a.ok ? { ok: true, value: a.value.pipeline } : a;
    expectAnswer(name(app), want, "App");
    expectAnswer(name(action), want, "Action");
  });
});
