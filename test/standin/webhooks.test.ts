import { afterEach, describe, expect, it } from "vitest";
import type { RunningStandin } from "../../tools/standin/index.js";
import { startStandin } from "../../tools/standin/index.js";
import { validateWebhookPayload } from "../support/webhooks.js";
import { REPO, SECRET, startReceiver } from "./helpers.js";

let gh: RunningStandin | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterEach(async () => {
  await gh?.stop();
  await receiver?.close();
});

describe("webhook delivery", () => {
  it("POSTs a release.published payload signed with the secret, with GitHub's headers", async () => {
    receiver = await startReceiver();
    gh = await startStandin({ repo: REPO, webhookUrl: receiver.url, webhookSecret: SECRET });
    const release = gh.standin.createRelease({ tag: "v1.0.0", assets: [{ name: "app.tar.gz", data: "x" }] });
    const delivery = await gh.standin.deliverRelease(release);
    expect(delivery.status).toBe(202);
    const [got] = receiver.received;
    expect(got).toMatchObject({
      event: "release",
      action: "published",
      delivery: delivery.id,
      signatureValid: true,
    });
    const payload = got?.payload as {
      release: { tag_name: string; assets: { browser_download_url: string }[] };
      repository: { full_name: string };
    };
    expect(payload.release.tag_name).toBe("v1.0.0");
    expect(payload.repository.full_name).toBe(REPO);
    expect(payload.release.assets[0]?.browser_download_url).toBe(
      `${gh.url}/${REPO}/releases/download/v1.0.0/app.tar.gz`,
    );
    expect(validateWebhookPayload("release", got?.payload)).toEqual([]);
    gh.assertNoViolations();
  });

  it("signs with the configured secret only (a receiver with another secret rejects it)", async () => {
    receiver = await startReceiver("other-secret");
    gh = await startStandin({ repo: REPO, webhookUrl: receiver.url, webhookSecret: SECRET });
    await gh.standin.deliverRelease(gh.standin.createRelease({ tag: "v1.0.1" }));
    expect(receiver.received.map((r) => r.signatureValid)).toEqual([false]);
  });

  it("refuses to send a payload the webhook schemas reject, and records the violation", async () => {
    receiver = await startReceiver();
    gh = await startStandin({ repo: REPO, webhookUrl: receiver.url, webhookSecret: SECRET });
    const delivery = await gh.deliver("release", { action: "published", release: { tag_name: "v1" } });
    expect(delivery.status).toBe(0);
    expect(receiver.received).toEqual([]);
    expect(gh.violations.join("\n")).toMatch(
      /webhook release\.published does not match[\s\S]*required property 'repository'/,
    );
  });
});
