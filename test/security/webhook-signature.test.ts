// Webhooks are accepted only with GitHub's HMAC signature of the raw body (X-Hub-Signature-256) under the
// App's WEBHOOK_SECRET. Runs the real entry (src/app/index.ts) behind Probot's own Node middleware, as
// `npm start` serves it, on a loopback port.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import app from "../../src/app/index.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import {
  type FakeConversation,
  fakeConversation,
  releasePublishedPayload,
} from "../support/fake-conversation.js";
import { APP_ID, privateKey } from "../support/probot.js";

const SECRET = "webhook-s3cret";
const TAG = "v1.2.0";
const CONFIG = `workflow: shipline.yml
artifacts: { files: ["app-*.tar.gz"], checksums: SHA256SUMS }
stages:
  - { name: staging, environment: staging, targets: { type: directory, path: /tmp/x } }
`;

let server: Server;
let url: string;
let gh: FakeConversation;

beforeEach(async () => {
  gh = fakeConversation();
  gh.tags.set(TAG, "a".repeat(40));
  const probot = new Probot({
    appId: APP_ID,
    privateKey: privateKey(),
    secret: SECRET,
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o.throttle as object), enabled: false },
    })),
    logLevel: "fatal",
  });
  const middleware = await createNodeMiddleware(app, { probot });
  server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((done) => server.close(done));
});

function post(body: string, signature?: string) {
  return httpFetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "release",
      "x-github-delivery": "11111111-2222-3333-4444-555555555555",
      ...(signature === undefined ? {} : { "x-hub-signature-256": signature }),
    },
    body,
  });
}
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("webhook signatures", () => {
  it("handles a correctly signed delivery (the control: the App does act on a valid one)", async () => {
    gh.files.set(`Codertocat/Hello-World@${TAG}:.github/shipline.yml`, CONFIG);
    const body = JSON.stringify(releasePublishedPayload(TAG, "alice"));
    const response = await post(body, sign(body));
    expect(response.status).toBe(200);
    expect(gh.calls.length).toBeGreaterThan(0);
  });

  it.each([
    ["missing", () => undefined],
    ["signed with another secret", (b: string) => sign(b, "guess")],
    ["not hex", () => "sha256=zzzz"],
    ["an old sha1 signature", (b: string) => `sha1=${createHmac("sha1", SECRET).update(b).digest("hex")}`],
  ] as const)(
    "refuses a delivery whose signature is %s, before any request to GitHub",
    async (_, signature) => {
      gh.files.set(`Codertocat/Hello-World@${TAG}:.github/shipline.yml`, CONFIG);
      const body = JSON.stringify(releasePublishedPayload(TAG, "alice"));
      const response = await post(body, signature(body));
      expect([400, 401]).toContain(response.status);
      expect(gh.calls).toEqual([]);
      expect(gh.dispatches).toEqual([]);
    },
  );

  it("refuses a body changed after signing", async () => {
    const body = JSON.stringify(releasePublishedPayload(TAG, "alice"));
    const tampered = body.replace(`"${TAG}"`, '"v9.9.9"');
    const response = await post(tampered, sign(body));
    expect([400, 401]).toContain(response.status);
    expect(gh.calls).toEqual([]);
  });

  it("answers /healthz with the version, without a signature", async () => {
    const response = await httpFetch(`${url}/healthz`, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", version: "0.1.0" });
  });
});
