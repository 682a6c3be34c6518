import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERIFY_FAILED } from "../../src/verify/outcome.js";
import { annotationsFromOutput } from "../../tools/standin/workflow-commands.js";
import { checksumFile, tarball } from "./helpers/assets.js";
import { buildBundle, runBundle } from "./helpers/bundle.js";
import { FakeGitHub } from "./helpers/github.js";

let root: string;
let github: FakeGitHub;
const HOSTILE = `x\n::error title=${VERIFY_FAILED}::INJECTED`;

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-commands-"));
  mkdirSync(join(root, "ws/.github"), { recursive: true });
  // The deploy command's output is shown as well, never obeyed: here it echoes text a remote host sent back.
  writeFileSync(
    join(root, "deploy.sh"),
    `echo "deploying $SHIPLINE_VERSION"; echo "  ::error title=${VERIFY_FAILED}::FROM-SCRIPT"; echo "old ##[error]FROM-SCRIPT-V1"`,
  );
  writeFileSync(
    join(root, "ws/.github/shipline.yml"),
    `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1] }
driver: { type: command, run: "sh ${root}/deploy.sh" }
stages: [{ name: production }]
`,
  );
  github = new FakeGitHub();
  for (const v of ["v1", "v2"]) {
    const asset = { name: `app-${v}.tar.gz`, data: tarball(root, { VERSION: v }) };
    github.addRelease(v, [asset, { name: "SHA256SUMS", data: checksumFile([asset]) }]);
    github.addDeployment({ ref: v, environment: "production", states: ["success"] });
  }
  await github.start();
}, 120_000);

afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

const run = (inputs: Record<string, string>) =>
  runBundle(
    root,
    { stage: "production", token: "t", "work-dir": join(root, "work"), ...inputs },
    { GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: github.url, GITHUB_WORKSPACE: join(root, "ws") },
  );

/** What the runner would obey: workflow commands at the start of a line, and the old `##[` syntax anywhere. */
function commands(stdout: string) {
  return {
    annotations: annotationsFromOutput(stdout),
    v1: stdout.split("\n").filter((l) => l.includes("##[")),
  };
}

describe("untrusted text the built Action prints cannot become a workflow command", () => {
  it("a hostile rollback reason and deploy output are shown, not obeyed", async () => {
    const result = await run({ mode: "rollback", release: "v1", from: "v2", reason: HOSTILE });
    expect(result.code, result.stdout).toBe(0);
    const { annotations, v1 } = commands(result.stdout);
    expect(annotations).toEqual([]);
    expect(v1).toEqual([]);
    // Still readable in the log.
    expect(result.stdout).toContain(`reason: x\n> ::error title=${VERIFY_FAILED}::INJECTED`);
    expect(result.stdout).toContain(`[web-1]   ::error title=${VERIFY_FAILED}::FROM-SCRIPT`);
    expect(result.stdout).toContain("old ## [error]FROM-SCRIPT-V1");
  }, 30_000);

  it("a hostile release name ends in one untitled error, not a forged verdict", async () => {
    const result = await run({ release: `v9${HOSTILE}` });
    expect(result.code, result.stdout).toBe(1);
    const { annotations, v1 } = commands(result.stdout);
    expect(v1).toEqual([]);
    expect(annotations.filter((a) => a.title === VERIFY_FAILED)).toEqual([]);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({ level: "failure", title: null });
    expect(annotations[0]!.message).toContain("INJECTED");
  }, 30_000);
});
