import { afterEach, describe, expect, it } from "vitest";
import type { ModeContext, ModeResult } from "../../action/src/context.js";
import { announce } from "../../action/src/report/announce.js";
import { parseConfig } from "../../src/config/parse.js";
import { verifySignature } from "../../src/notify/sign.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import { startReceiver } from "./receiver.js";

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

function contextFor(yaml: string, env: NodeJS.ProcessEnv, mode: "rollout" | "rollback" = "rollout") {
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const pipeline = parsed.config.pipelines[0]!;
  const warnings: string[] = [];
  const context = {
    inputs: { release: "v2.0.0", stage: "production", mode, from: "", reason: "" },
    pipeline,
    stage: pipeline.stages[0]!,
    env: { GITHUB_REPOSITORY: "acme/web", GITHUB_RUN_ID: "77", ...env },
    log: { info() {}, warning: (l: string) => warnings.push(l), startGroup() {}, endGroup() {} },
  } as unknown as ModeContext;
  return { context, warnings };
}

const ok: ModeResult = {
  ok: true,
  message: "rollout of v2.0.0 to production: 2 targets done",
  outputs: { version: "v2.0.0", targets: '["web-1","web-2"]' },
};

describe("the Action's announcements", () => {
  it("notifies start and end, masks the secrets, and records markers after a successful rollout", async () => {
    const r = await startReceiver();
    closers.push(r.close);
    const yaml = `
targets: { eu: [web-1, web-2] }
stages: [{ name: production }]
notify: { webhooks: [{ url: "${r.url}/hook", secret: HOOK_KEY }] }
markers: [{ type: grafana, url: "${r.url}/g" }]
`;
    const { context, warnings } = contextFor(yaml, { HOOK_KEY: "k3y", GRAFANA_TOKEN: "tok" });
    const masked: string[] = [];
    const result = await announce(
      context,
      { fetch: httpFetch, mask: (v) => masked.push(v), now: () => new Date("2026-01-01T00:00:00Z") },
      async () => ok,
    );
    expect(result).toBe(ok);
    expect(warnings).toEqual([]);
    expect(masked.sort()).toEqual(["k3y", "tok"]);
    expect(r.received.map((q) => q.path)).toEqual(["/hook", "/hook", "/g/api/annotations"]);
    const [start, end] = r.received.map((q) => JSON.parse(q.body));
    expect(start).toMatchObject({
      event: "stage.started",
      outcome: "started",
      targets: ["web-1", "web-2"],
      run_url: "https://github.com/acme/web/actions/runs/77",
    });
    expect(end).toMatchObject({ event: "stage.succeeded", outcome: "success", message: ok.message });
    for (const q of r.received.slice(0, 2))
      expect(verifySignature(q.body, "k3y", q.headers["x-shipline-signature-256"] as string)).toBe(true);
  });

  it("never fails the step when every notification fails, and sends no marker for a failed rollout", async () => {
    const r = await startReceiver([500, 500, 500, 500, 500, 500]);
    closers.push(r.close);
    const yaml = `
stages: [{ name: production }]
notify: { webhooks: [{ url: "${r.url}/hook", secret: HOOK_KEY }] }
markers: [{ type: grafana, url: "${r.url}/g" }]
`;
    const { context, warnings } = contextFor(yaml, { HOOK_KEY: "k", GRAFANA_TOKEN: "t" });
    const failed: ModeResult = { ok: false, message: "rollout failed: web-1: exit 1", outputs: {} };
    const result = await announce(
      context,
      { fetch: httpFetch, mask() {}, retry: { sleep: async () => {} } },
      async () => failed,
    );
    expect(result).toBe(failed);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /notification to webhook 127\.0\.0\.1:\d+ \[0\] failed after 3 attempt\(s\): .*HTTP 500/,
    );
    expect(r.received.map((q) => q.path)).toEqual(Array(6).fill("/hook"));
  });

  it("reports a thrown mode as a failure and rethrows it unchanged", async () => {
    const r = await startReceiver();
    closers.push(r.close);
    const yaml = `
stages: [{ name: production }]
notify: { webhooks: [{ url: "${r.url}/hook", secret: K }] }
`;
    const { context } = contextFor(yaml, { K: "k" }, "rollback");
    const boom = new Error("no earlier successful release");
    await expect(announce(context, { fetch: httpFetch, mask() {} }, () => Promise.reject(boom))).rejects.toBe(
      boom,
    );
    expect(r.received.map((q) => JSON.parse(q.body).event)).toEqual(["rollback.started", "rollback.failed"]);
  });
});
