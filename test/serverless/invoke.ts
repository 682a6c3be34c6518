// Runs the built serverless entries as their hosts do, in a child process pointed at the GitHub stand-in:
// the Lambda handler under a minimal Lambda runtime (test/serverless/lambda-runtime.mjs), the plain Node
// handler mounted on http.createServer as Cloud Run or any Node host would.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort, generatePrivateKey, ROOT } from "../../tools/e2e/app.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";

export const LAMBDA_ENTRY = join(ROOT, "lib/serverless/lambda.js");
export const HANDLER_ENTRY = join(ROOT, "lib/serverless/handler.js");
const RUNTIME = join(ROOT, "test/serverless/lambda-runtime.mjs");

let built = false;
/** `npm run build:serverless` once per test process (serialised: several engineers build at once). */
export function buildServerless(): void {
  if (built) return;
  execFileSync(
    "flock",
    ["/tmp/shipline-build-serverless.lock", "npm", "run", "--silent", "build:serverless"],
    {
      cwd: ROOT,
      stdio: "pipe",
    },
  );
  built = true;
}

/** The function's environment: what an operator sets on the Lambda or the Cloud Run service. */
export function functionEnv(githubUrl: string, appId: number, secret: string): Record<string, string> {
  const github = new URL(githubUrl);
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    APP_ID: String(appId),
    PRIVATE_KEY: generatePrivateKey(),
    WEBHOOK_SECRET: secret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: github.protocol.replace(":", ""),
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  };
}

export const sign = (secret: string, raw: string) =>
  `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

/** A webhook as API Gateway's REST API (payload format 1.0) hands it to Lambda. */
export function apiGatewayEvent(event: string, raw: string, signature: string, id = randomUUID()) {
  const headers = {
    Host: "abc123.execute-api.eu-west-1.amazonaws.com",
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/044aadd",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": id,
    "X-GitHub-Hook-ID": "1",
    "X-Hub-Signature-256": signature,
    "X-Forwarded-For": "140.82.115.1",
  };
  return {
    resource: "/api/github/webhooks",
    path: "/api/github/webhooks",
    httpMethod: "POST",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourcePath: "/api/github/webhooks",
      httpMethod: "POST",
      path: "/prod/api/github/webhooks",
      stage: "prod",
      requestId: randomUUID(),
      identity: { sourceIp: "140.82.115.1", userAgent: "GitHub-Hookshot/044aadd" },
    },
    body: raw,
    isBase64Encoded: false,
  };
}

/** The same webhook as an HTTP API (payload format 2.0) or a function URL sends it: lower-case headers, base64. */
export function httpApiEvent(event: string, raw: string, signature: string, id = randomUUID()) {
  return {
    version: "2.0",
    routeKey: "POST /api/github/webhooks",
    rawPath: "/api/github/webhooks",
    rawQueryString: "",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/044aadd",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    requestContext: {
      http: { method: "POST", path: "/api/github/webhooks", protocol: "HTTP/1.1", sourceIp: "140.82.115.1" },
      requestId: randomUUID(),
      stage: "$default",
    },
    body: Buffer.from(raw).toString("base64"),
    isBase64Encoded: true,
  };
}

export interface Invocation {
  ms: number;
  result?: { statusCode: number; body: string };
  error?: string;
}

export interface RunningLambda {
  /** ms the runtime took to import the handler module (the cold start's init), or the init error. */
  init: number | undefined;
  initError: string | undefined;
  invoke(event: unknown): Promise<Invocation>;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a Lambda "container": the module is imported once, and every invoke reuses it (warm). */
export async function startLambda(
  env: Record<string, string>,
  entry = LAMBDA_ENTRY,
  node = process.execPath,
): Promise<RunningLambda> {
  const child = spawn(node, [RUNTIME, entry], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stdin?.on("error", () => undefined); // an exited runtime: the pending invoke rejects instead
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const logs: string[] = [];
  lines.on("line", (line) => {
    if (line.startsWith('{"init') || line.startsWith('{"ms"')) waiting.shift()?.(line);
    else logs.push(line);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      child.once("exit", (code) =>
        reject(new Error(`runtime exited (${code}):\n${logs.join("\n")}\n${stderr}`)),
      );
    });
  const first = JSON.parse(await next()) as { init?: number; initError?: string };
  let chain: Promise<unknown> = Promise.resolve();
  return {
    init: first.init,
    initError: first.initError,
    invoke(event) {
      const run = chain.then(async () => {
        const answer = next();
        child.stdin?.write(`${JSON.stringify(event)}\n`);
        return JSON.parse(await answer) as Invocation;
      });
      chain = run.catch(() => undefined);
      return run;
    },
    log: () => `${logs.join("\n")}\n${stderr}`,
    stop: () => stopChild(child),
  };
}

/** Mounts the plain Node handler on http.createServer in a child process, as a Node host would. */
export async function startNodeHost(
  env: Record<string, string>,
): Promise<{ url: string; log(): string; stop(): Promise<void> }> {
  const port = await freePort();
  const script = `import { createServer } from "node:http";
import handler from ${JSON.stringify(HANDLER_ENTRY)};
createServer((req, res) => { handler(req, res); }).listen(${port}, "127.0.0.1", () => console.log("listening"));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!output.includes("listening")) {
    if (child.exitCode !== null) throw new Error(`host exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`host did not listen within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, log: () => output, stop: () => stopChild(child) };
}

/** POSTs a signed webhook to a Node host. */
export async function post(url: string, event: string, raw: string, signature: string): Promise<number> {
  const response = await httpFetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signature,
    },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((done) => child.once("close", () => done()));
  child.stdin?.end();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await closed;
  clearTimeout(timer);
}
