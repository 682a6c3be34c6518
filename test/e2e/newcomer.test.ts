// The first hour, scripted: from an empty repository, `shipline init` (flags, as a script would answer),
// `shipline validate`, then a first release through the real App (as `npm start` runs it) and the real built
// Action in the GitHub stand-in, on the generated files unchanged; `shipline status` then reads it back.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, ROOT } from "../../tools/e2e/app.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

const CLI = join(ROOT, "lib/cli/main.js");
const HOSTS = ["stg-1", "web-1", "web-2", "web-3", "web-4"];

function shipline(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: cwd, NO_COLOR: "1", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Like `shipline` but without blocking this process, which serves the stand-in the CLI talks to. */
function shiplineAsync(cwd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string; err: string }>((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: cwd, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          out: stdout,
          err: stderr,
        }),
    );
  });
}

describe("a newcomer: empty repository -> init -> validate -> first release", () => {
  let world: World;
  const repo = mkdtempSync(join(tmpdir(), "shipline-newcomer-"));
  const files: Record<string, string> = {};
  let initOutput = "";

  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (targets) => {
        const init = shipline(repo, [
          "init",
          "--staging",
          "stg-1",
          "--production",
          "web-1,web-2,web-3,web-4",
          "--path",
          `${targets}/{target}`,
          "--approvals",
          "0",
          "--bake",
          "0",
        ]);
        if (init.code !== 0) throw new Error(`shipline init failed:\n${init.out}${init.err}`);
        initOutput = init.out;
        for (const path of [".github/shipline.yml", ".github/workflows/shipline.yml", "RUNBOOK.md"])
          files[path] = readFileSync(join(repo, path), "utf8");
        return files[".github/shipline.yml"]!;
      },
      environments: { staging: { customRule: true }, production: { customRule: true } },
    });
    // The rest of what the user commits: the deploy workflow and the runbook, as init wrote them.
    world.gh.standin.setFile(".github/workflows/shipline.yml", files[".github/workflows/shipline.yml"]!);
    world.gh.standin.setFile("RUNBOOK.md", files["RUNBOOK.md"]!);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  it("init explains the gates it turned on, and validate accepts the files unchanged", () => {
    expect(initOutput).toContain("Gates this config turns on:");
    expect(initOutput).toContain("- four-eyes is OFF (--approvals 0)");
    const validate = shipline(repo, ["validate"]);
    expect(validate).toMatchObject({ code: 0, err: "" });
    expect(validate.out).toContain("- default (tags *): staging → canary → production");
    expect(shipline(repo, ["runbook", "--check"]).code).toBe(0);
  });

  it("a comment command with a typo gets a reply naming the nearest command", {
    timeout: 60_000,
  }, async () => {
    const typo = await world.comment("newcomer", "/promte v1.0.0");
    await world.waitFor("the App's reply to /promte", () =>
      world.repo.comments.some((c) => c.id !== typo.id && c.body.includes("Did you mean `/promote`?")),
    );
    const reply = world.repo.comments.find((c) => c.body.includes("Did you mean `/promote`?"))!;
    expect(reply.body).toBe(
      "@newcomer `/promte` is not a Shipline command. Did you mean `/promote`? Usage: `/promote [<tag>] [to <stage>]` (`/help` lists every command).",
    );
    expect(typo.reactions.map((r) => r.content)).toContain("eyes");
  });

  it("the first release goes through staging, canary and production on every host", {
    timeout: 240_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();
    for (const name of ["shipline / staging", "shipline / canary", "shipline / production", "shipline"])
      expect(world.check(name, release.sha), `${name}\n${world.log()}`).toMatchObject({
        status: "completed",
        conclusion: "success",
      });
    for (const host of HOSTS) expect(world.current(host), host).toBe("v1.0.0");
    expect(world.repo.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary", "production"]);
    expect(world.violations()).toEqual([]);

    // The CLI reads the release back from the stand-in, as it would from GitHub.
    const status = await shiplineAsync(repo, ["status", "v1.0.0", "--json"], {
      GITHUB_TOKEN: world.gh.standin.issueToken({ login: "newcomer", id: 90001, type: "User" }, "ghp"),
      GITHUB_REPOSITORY: "acme/web",
      GITHUB_API_URL: world.gh.standin.urls.api,
    });
    expect(status.err, status.err).toBe("");
    expect(JSON.parse(status.out)).toMatchObject({
      release: "v1.0.0",
      state: "succeeded",
      stages: [
        { name: "staging", phase: "succeeded" },
        { name: "canary", phase: "succeeded" },
        { name: "production", phase: "succeeded" },
      ],
    });
  });
});
