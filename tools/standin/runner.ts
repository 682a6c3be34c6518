// Runs the built Action bundle the way a GitHub runner does: `node action/dist/index.js` with INPUT_* and GITHUB_*
// variables, a GITHUB_EVENT_PATH file, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files read back afterwards.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { WorkflowJob } from "./standin.js";

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed GITHUB_OUTPUT (both `name=value` and `name<<DELIM` forms). */
  outputs: Record<string, string>;
  /** Raw GITHUB_OUTPUT contents. */
  outputFile: string;
  /** GITHUB_STEP_SUMMARY contents (Markdown). */
  summary: string;
}

export interface ActionRunOptions {
  /** GITHUB_* and other variables (WorkflowJob.env gives a runner's set). */
  env: Record<string, string>;
  /** Action inputs by name as in action.yml; become INPUT_<NAME upper-cased, spaces as _>. */
  inputs?: Record<string, string>;
  /** The event payload (written to GITHUB_EVENT_PATH). */
  event?: unknown;
  /** Path of the bundle; default action/dist/index.js under the current working directory. */
  bundle?: string;
  /** Node binary; default the SHIPLINE_ACTION_NODE variable, else the running node. */
  node?: string;
  timeoutMs?: number;
}

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
      out[name] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export async function runActionBundle(options: ActionRunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "shipline-runner-"));
  try {
    const eventPath = join(dir, "event.json");
    const outputPath = join(dir, "output");
    const summaryPath = join(dir, "summary.md");
    await writeFile(eventPath, JSON.stringify(options.event ?? {}));
    await writeFile(outputPath, "");
    await writeFile(summaryPath, "");
    const inputs = Object.fromEntries(
      Object.entries(options.inputs ?? {}).map(([k, v]) => [inputVariable(k), v]),
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      RUNNER_TEMP: dir,
      RUNNER_OS: "Linux",
      GITHUB_WORKSPACE: dir,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      ...options.env,
      ...inputs,
    };
    const bundle = resolve(options.bundle ?? "action/dist/index.js");
    const node = options.node ?? process.env.SHIPLINE_ACTION_NODE ?? process.execPath;
    const child = spawn(node, [bundle], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    const exitCode = await new Promise<number>((done) => {
      child.on("error", (err) => {
        stderr += String(err);
        done(127);
      });
      child.on("close", (code) => done(code ?? 1));
    });
    clearTimeout(timer);
    const outputFile = await readFile(outputPath, "utf8");
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(outputFile),
      outputFile,
      summary: await readFile(summaryPath, "utf8"),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a dispatched job's step as the deploy workflow template does: a workspace holding the repository's
 * `.github/shipline.yml` (what actions/checkout gives), the job's inputs passed to the Action as `with:`.
 */
export async function runDeployJob(
  job: WorkflowJob,
  options: {
    root: string;
    config: string;
    bundle?: string;
    node?: string;
    /** The Action's `clearance` input; `off` where no Shipline App runs in the test. Default: the Action's. */
    clearance?: "required" | "off";
  },
): Promise<ActionRun> {
  const workspace = mkdtempSync(join(options.root, `run-${job.runId}-`));
  mkdirSync(join(workspace, ".github"));
  writeFileSync(join(workspace, ".github/shipline.yml"), options.config);
  return runActionBundle({
    env: { ...job.env, GITHUB_WORKSPACE: workspace },
    inputs: {
      release: job.inputs.release ?? "",
      stage: job.inputs.stage ?? "",
      mode: job.inputs.mode ?? "rollout",
      pipeline: job.inputs.pipeline ?? "",
      from: job.inputs.from ?? "",
      reason: job.inputs.reason ?? "",
      token: job.token,
      config: ".github/shipline.yml",
      "work-dir": join(workspace, "work"),
      ...(options.clearance ? { clearance: options.clearance } : {}),
    },
    event: job.event,
    ...(options.bundle ? { bundle: options.bundle } : {}),
    ...(options.node ? { node: options.node } : {}),
  });
}
