// A minimal stand-in for the AWS Lambda Node runtime: imports the handler module once (the cold start), then
// invokes `handler(event, context)` for each JSON event read from stdin (one per line) and prints each result
// as a JSON line: {"ms": <invocation time>, "result": ...} or {"error": ...}. The first line printed reports
// the init time: {"init": <ms>}.
// Usage: node lambda-runtime.mjs <module> [export=handler]
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [modulePath, exportName = "handler"] = process.argv.slice(2);
const t0 = performance.now();
let handler;
try {
  handler = (await import(pathToFileURL(modulePath).href))[exportName];
} catch (error) {
  process.stdout.write(`${JSON.stringify({ initError: String(error?.message ?? error) })}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ init: performance.now() - t0, sinceStart: performance.now() })}\n`);
const context = { functionName: "shipline", awsRequestId: "local", getRemainingTimeInMillis: () => 900_000 };
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const started = performance.now();
  try {
    const result = await handler(JSON.parse(line), context);
    process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, error: String(error) })}\n`);
  }
}
