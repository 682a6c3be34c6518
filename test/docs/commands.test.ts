// Every shell command shown in README.md and docs/*.md (code blocks, and `node shipline.mjs ...` code spans) either runs
// here, offline, and is alive, or is on the SKIPPED list below with the reason. A dead command (an unknown
// subcommand or flag, a missing file or npm script) fails; so does a new command nobody classified.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, freePort, ROOT } from "../../tools/e2e/app.js";

interface Shown {
  file: string;
  command: string;
}

const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith(".md"),
);

/** Shell lines of ```sh / bash / shell / console blocks: continuations joined, comments and `$ ` prompts dropped. */
function shellCommands(file: string, text: string): Shown[] {
  const out: Shown[] = [];
  for (const m of text.matchAll(/^([ \t]*)```(sh|bash|shell|console)[^\n]*\n([\s\S]*?)^\1```/gm)) {
    const joined = m[3]!.replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw
        .trim()
        .replace(/^\$ /, "")
        .replace(/\s+#\s.*$/, "")
        .trim();
      if (!line || line.startsWith("#")) continue;
      for (const part of line.split(/\s+&&\s+/)) out.push({ file, command: part.trim() });
    }
  }
  // `node shipline.mjs ...` in running text, where it reads as a command to type (no alternatives, no ellipsis).
  for (const m of text.matchAll(/`(node shipline.mjs [^`]+)`/g)) {
    const command = m[1]!.trim();
    if (!/[|…]|\.\.\./.test(command)) out.push({ file, command });
  }
  return out;
}

const SHOWN: Shown[] = DOCS.flatMap((file) => shellCommands(file, readFileSync(join(ROOT, file), "utf8")));

/** Commands that cannot run offline or cheaply here, and why; each is still checked as far as it can be. */
const SKIPPED: { pattern: RegExp; why: string; check?: (command: string) => void }[] = [
  { pattern: /^npm install$/, why: "reaches the npm registry" },
  {
    pattern: /^(?:[A-Z_]+=\S+ )*npm (start|test|run \S+)/,
    why: "the App, the whole suite, the demo and the bench take minutes; the script must exist",
    check: (command) => {
      const scripts = (
        JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
      ).scripts;
      const name = /npm (?:run )?(\S+)/.exec(command)![1]!;
      expect(Object.keys(scripts), command).toContain(name);
      // Flags after `--` must be ones bench/run.ts reads.
      const extra = command.split(" -- ")[1];
      if (extra) {
        const source = readFileSync(join(ROOT, "bench/run.ts"), "utf8");
        for (const flag of extra.matchAll(/--([a-z-]+)/g))
          expect(source, `${command}: --${flag[1]}`).toMatch(new RegExp(`["(]${flag[1]}[")]|--${flag[1]}`));
      }
    },
  },
  {
    pattern: /^sh \/srv\/app\/[^ ]+\/shipline-rollback/,
    why: "needs a target the Action installed (test/rollout covers the script); the flags must be the script's",
    check: (command) => {
      const script = readFileSync(join(ROOT, "src/rollout/drivers/rollback-script.ts"), "utf8");
      for (const flag of command.matchAll(/ (--[a-z-]+)/g)) expect(script, command).toContain(flag[1]);
    },
  },
  {
    pattern: /^docker (build|run)/,
    why: "no Docker daemon in the test environment; the Dockerfile must exist",
    check: () => expect(existsSync(join(ROOT, "Dockerfile"))).toBe(true),
  },
  { pattern: /^git (ls-remote|push) origin/, why: "needs a GitHub remote" },
  { pattern: /^npm ci( --omit=dev)?$/, why: "reaches the npm registry" },
  {
    pattern: /^zip -qr \S+ lib\/serverless /,
    why: "packages the Lambda bundle; an npm script must build lib/serverless",
    check: () =>
      expect(readFileSync(join(ROOT, "package.json"), "utf8")).toContain("--outdir=lib/serverless"),
  },
  {
    pattern: /^aws lambda /,
    why: "needs an AWS account; the handler it names must exist",
    check: (command) => {
      const handler = /--handler lib\/serverless\/(\w+)\.(\w+)/.exec(command);
      if (!handler) return;
      const source = readFileSync(join(ROOT, `src/app/serverless/${handler[1]}.ts`), "utf8");
      expect(source, command).toMatch(new RegExp(`export (const|async function|function) ${handler[2]}\\b`));
    },
  },
];

const shiplineArgs = (command: string): string[] | undefined => {
  const m = /^(?:node shipline.mjs|shipline|node shipline\.mjs) (.*)$/.exec(command);
  if (!m) return undefined;
  const args: string[] = [];
  // A redirection (`> audit/<tag>.json`) is the shell's, not the command's.
  const line = m[1]!.replace(/\s>\s?\S+$/, "");
  for (const t of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) args.push(t[1] ?? t[2] ?? t[3]!);
  const fill: Record<string, string> = {
    "<command>": "--help",
    "<tag>": "v1.0.0",
    "<environment>": "production",
    "<stage>": "production",
    "<repository>": ".",
    "<file>": ".github/shipline.yml",
    "<target dir>": "targets/web-1",
  };
  return args.flatMap((a) =>
    a in fill ? [fill[a]!] : a.startsWith("[") ? [] : [a.replace(/^\/srv\/app\//, "targets/")],
  );
};

describe("the commands the docs show", () => {
  const dirs: string[] = [];
  let repo = "";
  let closedPort = 0;
  beforeAll(async () => {
    buildApp();
    closedPort = await freePort();
    repo = mkdtempSync(join(tmpdir(), "shipline-docs-"));
    dirs.push(repo);
    const init = runShipline(repo, ["init"]);
    expect(init.code, init.err).toBe(0);
  }, 120_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function runShipline(cwd: string, args: string[], entry = join(ROOT, "lib/cli/main.js")) {
    const r = spawnSync(process.execPath, [entry, ...args], {
      cwd,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: cwd,
        NO_COLOR: "1",
        // GitHub commands must get past their command line and fail only at the (closed) network.
        GITHUB_TOKEN: "ghp_docs",
        GITHUB_REPOSITORY: "acme/web",
        GITHUB_API_URL: `http://127.0.0.1:${closedPort}`,
      },
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it("finds commands in the docs", () => {
    expect(SHOWN.length).toBeGreaterThan(10);
    expect(SHOWN.some((s) => s.command.startsWith("node shipline.mjs init"))).toBe(true);
  });

  it.each(SHOWN.map((s) => [`${s.file}: ${s.command}`, s] as const))("%s", (_label, shown) => {
    const args = shiplineArgs(shown.command);
    if (args) {
      const entry = shown.command.startsWith("node shipline.mjs")
        ? join(ROOT, "action/dist/shipline.mjs")
        : undefined;
      if (entry)
        expect(existsSync(entry), "action/dist/shipline.mjs (the one-file CLI the docs copy)").toBe(true);
      // `init` is shown in an empty repository; everything else after it.
      const cwd = args[0] === "init" ? mkdtempSync(join(tmpdir(), "shipline-docs-init-")) : repo;
      if (cwd !== repo) dirs.push(cwd);
      const r = runShipline(cwd, args, entry);
      const said = `${shown.command} -> exit ${r.code}\n${r.out}${r.err}`;
      expect(r.err, said).not.toMatch(/unknown (command|argument)/);
      expect([2, 4, null], said).not.toContain(r.code);
      return;
    }
    const skip = SKIPPED.find((s) => s.pattern.test(shown.command));
    expect(
      skip,
      `${shown.file} shows \`${shown.command}\`: run it here or add it to SKIPPED with the reason`,
    ).toBeDefined();
    skip?.check?.(shown.command);
  });
});
