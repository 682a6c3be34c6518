// A GitHub that accepts the connection and never answers: without the timeout in src/app/octokit.ts the
// request would hang the handler for good; with it, the request is aborted and retried.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { shiplineOctokit } from "../../src/app/octokit.js";
import { unspaced } from "./retrying-probot.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
});

it("aborts a request GitHub does not answer within the timeout and retries it", async () => {
  let seen = 0;
  server = createServer((_req, res) => {
    seen += 1;
    if (seen === 1) return; // the first request hangs: GitHub accepted it and went silent
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: 1, name: "Hello-World", full_name: "Codertocat/Hello-World" }));
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const Octokit = shiplineOctokit({ backoffMs: 1, timeoutMs: 300, throttle: unspaced() });
  const octokit = new Octokit({ auth: { token: "ghs_test" }, baseUrl: `http://127.0.0.1:${port}` });
  const { data } = await octokit.request("GET /repos/{owner}/{repo}", {
    owner: "Codertocat",
    repo: "Hello-World",
  });
  expect(data.full_name).toBe("Codertocat/Hello-World");
  expect(seen).toBe(2);
}, 20_000);
