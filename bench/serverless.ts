// Serverless cold start: the Lambda entry (lib/serverless/lambda.js, through @probot/adapter-aws-lambda-serverless)
// started fresh in a new process, as a new Lambda container is, until its first answer to a signed webhook;
// beside an empty Probot app built into the same adapter entry with the same Octokit policy, same run,
// alternating. The event is `ping` (no handler in either app), so only start-up and verification are timed.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { build } from "esbuild";
import { apiGatewayEvent, functionEnv, LAMBDA_ENTRY, sign, startLambda } from "../test/serverless/invoke.js";
import { startStandin } from "../tools/standin/index.js";
import { median, row, type Section } from "./report.js";
import { ROOT } from "./world.js";

const EMPTY_ENTRY = join(ROOT, "lib/serverless/bench-empty-lambda.js");
const SECRET = "bench-cold-start";

/** The empty app on the same entry: the adapter, Probot from the environment, Shipline's Octokit policy. */
async function buildEmpty(): Promise<void> {
  await build({
    stdin: {
      contents: `import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import { createProbot } from "probot";
import { shiplineOctokit } from "./src/app/octokit.ts";
export const handler = createLambdaFunction(() => {}, { probot: createProbot({ overrides: { Octokit: shiplineOctokit() } }) });`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    outfile: EMPTY_ENTRY,
    logLevel: "error",
  });
}

async function coldStart(entry: string, env: Record<string, string>, event: unknown) {
  const t0 = performance.now();
  const lambda = await startLambda(env, entry);
  try {
    if (lambda.initError) throw new Error(`${entry}: ${lambda.initError}`);
    const first = await lambda.invoke(event);
    const total = performance.now() - t0;
    if (first.result?.statusCode !== 200)
      throw new Error(`${entry}: ${JSON.stringify(first)}\n${lambda.log()}`);
    const warm = await lambda.invoke(event);
    return { total, init: lambda.init ?? Number.NaN, firstInvoke: first.ms, warmInvoke: warm.ms };
  } finally {
    await lambda.stop();
  }
}

export async function serverlessBench(runs = 5): Promise<Section> {
  execFileSync(
    "flock",
    ["/tmp/shipline-build-serverless.lock", "npm", "run", "--silent", "build:serverless"],
    {
      cwd: ROOT,
      stdio: "pipe",
    },
  );
  await buildEmpty();
  const gh = await startStandin({ repo: "acme/web", webhookSecret: SECRET, appId: 1234 });
  try {
    const env = functionEnv(gh.url, 1234, SECRET);
    const raw = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, hook: { type: "App" } });
    const event = apiGatewayEvent("ping", raw, sign(SECRET, raw));
    const shipline: Awaited<ReturnType<typeof coldStart>>[] = [];
    const empty: Awaited<ReturnType<typeof coldStart>>[] = [];
    await coldStart(EMPTY_ENTRY, env, event); // warm the disk cache for both
    await coldStart(LAMBDA_ENTRY, env, event);
    for (let i = 0; i < runs; i++) {
      empty.push(await coldStart(EMPTY_ENTRY, env, event));
      shipline.push(await coldStart(LAMBDA_ENTRY, env, event));
    }
    const m = (xs: typeof shipline, k: keyof (typeof shipline)[number]) => median(xs.map((x) => x[k]));
    const total = m(shipline, "total");
    const totalEmpty = m(empty, "total");
    return {
      title: `Serverless cold start (Lambda entry, new process to first answer of a signed ping, median of ${runs})`,
      rows: [
        row({
          name: "cold start: process start to first answer",
          value: total,
          unit: "ms",
          baseline: totalEmpty,
          baselineLabel: "empty Probot app, same entry",
          target: "<= 2x",
          met: total / totalEmpty <= 2,
        }),
        row({
          name: "init: importing the handler module",
          value: m(shipline, "init"),
          unit: "ms",
          baseline: m(empty, "init"),
          baselineLabel: "empty Probot app, same entry",
        }),
        row({
          name: "first invocation",
          value: m(shipline, "firstInvoke"),
          unit: "ms",
          baseline: m(empty, "firstInvoke"),
          baselineLabel: "empty Probot app, same entry",
        }),
        row({
          name: "warm invocation",
          value: m(shipline, "warmInvoke"),
          unit: "ms",
          baseline: m(empty, "warmInvoke"),
          baselineLabel: "empty Probot app, same entry",
        }),
      ],
      detail: { shipline, empty },
      notes: [
        "Node 20 on this machine; a Lambda's init also loads the runtime and the deployment package from its storage, which this does not include",
      ],
    };
  } finally {
    await gh.stop();
  }
}
