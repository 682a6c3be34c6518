import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Notify } from "../../src/config/schema/notify.js";
import type { ReleaseEvent } from "../../src/notify/event.js";
import { eventName } from "../../src/notify/event.js";
import { notify } from "../../src/notify/send.js";
import { verifySignature } from "../../src/notify/sign.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import { startReceiver } from "./receiver.js";

const event: ReleaseEvent = {
  event: "stage.failed",
  release: "v1.2.0",
  stage: "canary",
  environment: "production",
  mode: "rollout",
  outcome: "failure",
  targets: ["web-2", "web-7"],
  at: "2026-03-04T10:15:00.000Z",
  run_url: "https://github.com/acme/web/actions/runs/42",
  pipeline: "default",
  message: "rollout of v1.2.0 to canary failed: web-7: exit 3 <boom>",
  from: null,
};

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function receiver(statuses: number[] = []) {
  const r = await startReceiver(statuses);
  closers.push(r.close);
  return r;
}
const noWait = { sleep: async () => {}, backoffMs: 1_000 };

describe("event names", () => {
  it("maps mode and outcome to the documented names", () => {
    expect(eventName("rollout", "started")).toBe("stage.started");
    expect(eventName("rollback", "success")).toBe("rollback.succeeded");
    expect(eventName("verify", "failure")).toBe("verify.failed");
  });
});

describe("Slack incoming webhook", () => {
  it("posts a message with the release, stage, targets, the escaped reason and the run link", async () => {
    const r = await receiver();
    const config = Notify.parse({ slack: { channel: "#deploys" } });
    const deliveries = await notify(config, event, {
      env: { SLACK_WEBHOOK_URL: `${r.url}/services/T000/B000/XXXX` },
      fetch: httpFetch,
    });
    expect(deliveries).toEqual([{ destination: "slack (SLACK_WEBHOOK_URL)", ok: true, attempts: 1 }]);
    expect(r.received).toHaveLength(1);
    const req = r.received[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/services/T000/B000/XXXX");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toMatch(/@slack:webhook/);
    expect(JSON.parse(req.body)).toEqual({
      channel: "#deploys",
      text: ":x: `v1.2.0` failed in *canary* (`production`)",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: ":x: `v1.2.0` failed in *canary* (`production`)" } },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Release*\n`v1.2.0`" },
            { type: "mrkdwn", text: "*Stage*\ncanary (production)" },
            { type: "mrkdwn", text: "*Targets*\nweb-2, web-7" },
          ],
        },
        {
          type: "section",
          text: { type: "mrkdwn", text: "rollout of v1.2.0 to canary failed: web-7: exit 3 &lt;boom&gt;" },
        },
        {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text: "2026-03-04T10:15:00.000Z · <https://github.com/acme/web/actions/runs/42|deploy job>",
            },
          ],
        },
      ],
    });
  });

  it("says which variable is missing instead of sending, and never throws", async () => {
    const config = Notify.parse({ slack: { "webhook-secret": "TEAM_SLACK" } });
    const deliveries = await notify(config, event, { env: {}, fetch: httpFetch, retry: noWait });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(deliveries[0]?.error).toContain("TEAM_SLACK");
  });

  it("skips events the destination did not ask for", async () => {
    const r = await receiver();
    const config = Notify.parse({ slack: { events: ["rollback.started"] } });
    const deliveries = await notify(config, event, {
      env: { SLACK_WEBHOOK_URL: `${r.url}/hook` },
      fetch: httpFetch,
    });
    expect(deliveries).toEqual([]);
    expect(r.received).toEqual([]);
  });
});

describe("signed generic webhooks", () => {
  it("posts the documented JSON body, signed with HMAC-SHA256 of the raw body", async () => {
    const r = await receiver();
    const config = Notify.parse({ webhooks: [{ url: `${r.url}/shipline`, secret: "HOOK_SECRET" }] });
    const deliveries = await notify(config, event, {
      env: { HOOK_SECRET: "s3cret" },
      fetch: httpFetch,
      uuid: () => "6f0e5d3c-0000-4000-8000-000000000001",
    });
    expect(deliveries[0]).toMatchObject({ ok: true, attempts: 1 });
    const req = r.received[0]!;
    expect(req.path).toBe("/shipline");
    expect(req.headers["x-shipline-event"]).toBe("stage.failed");
    expect(req.headers["x-shipline-delivery"]).toBe("6f0e5d3c-0000-4000-8000-000000000001");
    // The documented scheme, computed independently of the sender:
    const expected = `sha256=${createHmac("sha256", "s3cret").update(req.body).digest("hex")}`;
    expect(req.headers["x-shipline-signature-256"]).toBe(expected);
    expect(verifySignature(req.body, "s3cret", req.headers["x-shipline-signature-256"] as string)).toBe(true);
    expect(verifySignature(req.body, "wrong", req.headers["x-shipline-signature-256"] as string)).toBe(false);
    expect(verifySignature(`${req.body} `, "s3cret", req.headers["x-shipline-signature-256"] as string)).toBe(
      false,
    );
    expect(JSON.parse(req.body)).toEqual({
      event: "stage.failed",
      release: "v1.2.0",
      stage: "canary",
      environment: "production",
      mode: "rollout",
      outcome: "failure",
      targets: ["web-2", "web-7"],
      at: "2026-03-04T10:15:00.000Z",
      run_url: "https://github.com/acme/web/actions/runs/42",
      pipeline: "default",
      message: "rollout of v1.2.0 to canary failed: web-7: exit 3 <boom>",
      from: null,
    });
  });

  it("retries a 503 with backoff and keeps the delivery id across attempts", async () => {
    const r = await receiver([503, 502]);
    const waits: number[] = [];
    const config = Notify.parse({ webhooks: [{ "url-secret": "HOOK_URL", secret: "HOOK_SECRET" }] });
    const deliveries = await notify(config, event, {
      env: { HOOK_SECRET: "k", HOOK_URL: `${r.url}/x` },
      fetch: httpFetch,
      retry: { attempts: 3, backoffMs: 500, sleep: async (ms) => void waits.push(ms) },
    });
    expect(deliveries[0]).toMatchObject({ ok: true, attempts: 3 });
    expect(waits).toEqual([500, 1000]);
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((q) => q.headers["x-shipline-delivery"])).size).toBe(1);
    expect(new Set(r.received.map((q) => q.body)).size).toBe(1);
  });

  it("does not retry a 4xx, and reports a dead receiver without throwing", async () => {
    const r = await receiver([401]);
    const dead = await receiver();
    await dead.close();
    closers = closers.filter((c) => c !== dead.close);
    const config = Notify.parse({
      webhooks: [
        { url: `${r.url}/a`, secret: "K" },
        { url: `${dead.url}/b`, secret: "K" },
      ],
    });
    const deliveries = await notify(config, event, { env: { K: "k" }, fetch: httpFetch, retry: noWait });
    expect(deliveries.map((d) => [d.ok, d.attempts])).toEqual([
      [false, 1],
      [false, 3],
    ]);
    expect(deliveries[0]?.error).toContain("HTTP 401");
    expect(r.received).toHaveLength(1);
  });

  it("rejects a webhook config with both or neither of url and url-secret", () => {
    expect(Notify.safeParse({ webhooks: [{ secret: "K" }] }).success).toBe(false);
    expect(
      Notify.safeParse({ webhooks: [{ url: "https://x.test", "url-secret": "U", secret: "K" }] }).success,
    ).toBe(false);
  });
});
