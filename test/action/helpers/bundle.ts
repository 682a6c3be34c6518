import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const BUNDLE = join(ROOT, "action/dist/index.js");

/** Node 24, as GitHub runs `using: node24` (installed by scripts/ensure-node24.mjs); else this Node, with a warning. */
export function runnerNode(): string {
  const node24 = join(ROOT, ".tools/node24/bin/node");
  if (existsSync(node24)) return node24;
  console.warn(
    `Node 24 is not in .tools/node24 (run node scripts/ensure-node24.mjs); using ${process.version}`,
  );
  return process.execPath;
}

/** Rebuilds action/dist with the package script (serialised: several test files may ask at once). */
export function buildBundle(): void {
  execFileSync("flock", ["/tmp/shipline-build-action.lock", "npm", "run", "--silent", "build:action"], {
    cwd: ROOT,
    stdio: "pipe",
  });
}

export interface BundleRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses the GITHUB_OUTPUT file format (name<<DELIMITER ... DELIMITER). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

/** Runs the built bundle as a runner does: INPUT_* and GITHUB_* variables, output and summary files. */
export async function runBundle(
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<BundleRun> {
  const outputFile = join(dir, `output-${Date.now()}-${Math.random()}.txt`);
  const summaryFile = join(dir, `summary-${Date.now()}-${Math.random()}.md`);
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  // These tests run the Action without the Shipline App (no check runs to clear a run): clearance.test.ts
  // covers the clearance itself.
  const inputEnv = Object.fromEntries(
    Object.entries({ clearance: "off", ...inputs }).map(([k, v]) => [
      `INPUT_${k.replace(/ /g, "_").toUpperCase()}`,
      v,
    ]),
  );
  const child = spawn(runnerNode(), [BUNDLE], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_ACTIONS: "true",
      ...inputEnv,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? 1)));
  return {
    code,
    stdout,
    outputs: parseOutputs(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
  };
}
