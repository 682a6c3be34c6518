// docs/setup.md, checked by running the App as `npm start` does (`node lib/app/server.js`, built by
// `npm run build:app`): the registration page's manifest carries the public webhook URL, and the startup line
// and /healthz say what is set, what is missing and whether the public URL answers.
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp, freePort, generatePrivateKey, ROOT, SERVER_ENTRY } from "../../tools/e2e/app.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";

let children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) c.kill("SIGKILL");
  children = [];
});

async function start(env: Record<string, string>, until: RegExp) {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: "/tmp",
      HOST: "127.0.0.1",
      LOG_FORMAT: "json",
      ...env,
      PORT: port,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  await new Promise<void>((done, fail) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until.test(output)) done();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, output: () => output };
}

describe("from npm start to an App that receives webhooks (docs/setup.md)", () => {
  beforeAll(() => buildApp(), 120_000);

  it("registers the App with <SHIPLINE_PUBLIC_URL>/api/github/webhooks as its webhook URL", async () => {
    const app = await start(
      { NODE_ENV: "development", SHIPLINE_PUBLIC_URL: "https://shipline.example.com/" },
      /Setup mode/,
    );
    expect(app.output()).toContain(
      "Shipline self-check: webhook URL https://shipline.example.com/api/github/webhooks; app id MISSING, private key MISSING, webhook secret MISSING",
    );
    const page = await (await httpFetch(`${app.url}/probot`, {})).text();
    const manifest = /name="manifest"[^>]*value='([^']*)'|value="([^"]*)"[^>]*name="manifest"/.exec(page);
    const raw = (manifest?.[1] ?? manifest?.[2] ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    const parsed = JSON.parse(raw || "{}") as {
      hook_attributes?: { url?: string };
      default_events?: string[];
    };
    expect(parsed.hook_attributes?.url, page).toBe("https://shipline.example.com/api/github/webhooks");
    expect(parsed.default_events).toContain("issue_comment");
  }, 60_000);

  it("prints one line saying the webhook URL answers and every credential is set, and serves it on /healthz", async () => {
    const port = await freePort();
    const app = await start(
      {
        NODE_ENV: "production",
        PORT: String(port),
        SHIPLINE_PUBLIC_URL: `http://127.0.0.1:${port}`,
        APP_ID: "1234",
        PRIVATE_KEY: generatePrivateKey(),
        WEBHOOK_SECRET: "s3cret-value",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
      },
      /Shipline self-check: .*\n/,
    );
    const line = app
      .output()
      .split("\n")
      .find((l) => l.startsWith("Shipline self-check:"));
    expect(line).toBe(
      `Shipline self-check: webhook URL http://127.0.0.1:${port}/api/github/webhooks, reachable (http://127.0.0.1:${port}/healthz answered 200); app id set, private key set, webhook secret set — ready`,
    );
    const health = (await (await httpFetch(`${app.url}/healthz`, {})).json()) as {
      selfCheck: Record<string, unknown>;
    };
    expect(health.selfCheck).toMatchObject({
      webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
      appId: true,
      privateKey: true,
      webhookSecret: true,
      reachable: { ok: true },
      problems: [],
    });
    expect(JSON.stringify(health)).not.toContain("s3cret-value");
  }, 60_000);

  it("says what is missing and what to do: no public URL, no secret, an unreachable URL", async () => {
    const port = await freePort();
    const dead = await freePort();
    const app = await start(
      {
        NODE_ENV: "production",
        PORT: String(port),
        SHIPLINE_PUBLIC_URL: `http://127.0.0.1:${dead}`,
        APP_ID: "1234",
        PRIVATE_KEY: generatePrivateKey(),
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
      },
      /Shipline self-check: [^\n]*\n( {2}- [^\n]*\n)+/,
    );
    const out = app.output();
    expect(out).toContain(`NOT reachable (http://127.0.0.1:${dead}/healthz: ECONNREFUSED)`);
    expect(out).toContain("webhook secret MISSING");
    expect(out).toContain("  - WEBHOOK_SECRET is missing: set the same secret as in the App's settings");
  }, 60_000);

  it("with WEBHOOK_PROXY_URL, forwards the proxy channel's deliveries to itself (smee-client)", async () => {
    // A local stand-in for a smee.io channel: an event stream that sends one signed delivery once connected.
    const secret = "proxy-secret";
    const body = { zen: "Keep it logically awesome.", hook_id: 1 };
    const streams: ServerResponse[] = [];
    const channel = createServer((_req, res) => {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      res.write("event: ready\ndata: {}\n\n");
      const delivery = {
        "x-github-event": "ping",
        "x-github-delivery": "11111111-2222-3333-4444-555555555555",
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(JSON.stringify(body)).digest("hex")}`,
        body,
      };
      res.write(`data: ${JSON.stringify(delivery)}\n\n`);
      streams.push(res);
    });
    await new Promise<void>((done) => channel.listen(0, "127.0.0.1", () => done()));
    const address = channel.address();
    const channelUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/channel`;
    try {
      const app = await start(
        {
          NODE_ENV: "production",
          WEBHOOK_PROXY_URL: channelUrl,
          APP_ID: "1234",
          PRIVATE_KEY: generatePrivateKey(),
          WEBHOOK_SECRET: secret,
          GHE_HOST: "127.0.0.1:9",
          GHE_PROTOCOL: "http",
        },
        /POST http:\/\/[^ ]+\/api\/github\/webhooks - \d+/,
      );
      expect(app.output()).toContain(
        `Shipline self-check: webhook proxy ${channelUrl}; app id set, private key set, webhook secret set — ready`,
      );
      expect(app.output()).toMatch(/POST http:\/\/[^ ]+\/api\/github\/webhooks - 200/);
    } finally {
      for (const r of streams) r.destroy();
      channel.close();
    }
  }, 60_000);
});
