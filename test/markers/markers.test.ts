import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { Markers } from "../../src/config/schema/markers.js";
import { type Deployed, NEW_RELIC_MUTATION } from "../../src/markers/request.js";
import { postMarkers } from "../../src/markers/send.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import { startReceiver } from "../notify/receiver.js";

const deployed: Deployed = {
  version: "v1.2.0",
  stage: "canary",
  environment: "production",
  pipeline: "default",
  targets: ["web-2", "web-7"],
  mode: "rollout",
  at: new Date("2026-03-04T10:15:00.000Z"),
  run_url: "https://github.com/acme/web/actions/runs/42",
};
const AT_MS = 1772619300000;
const noWait = { sleep: async () => {} };

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function receiver(statuses: number[] = [], answer = "{}") {
  const r = await startReceiver(statuses, answer);
  closers.push(r.close);
  return r;
}

describe("grafana preset", () => {
  it("POSTs an annotation with time, tags and text under a Bearer token", async () => {
    const r = await receiver();
    const markers = Markers.parse([
      { type: "grafana", url: `${r.url}/grafana/`, tags: ["service:web"], "dashboard-uid": "abc" },
    ]);
    const out = await postMarkers(markers, deployed, { env: { GRAFANA_TOKEN: "glsa_x" }, fetch: httpFetch });
    expect(out).toEqual([
      { destination: expect.stringMatching(/^grafana 127\.0\.0\.1:/), ok: true, attempts: 1 },
    ]);
    const req = r.received[0]!;
    expect([req.method, req.path]).toEqual(["POST", "/grafana/api/annotations"]);
    expect(req.headers.authorization).toBe("Bearer glsa_x");
    expect(JSON.parse(req.body)).toEqual({
      dashboardUID: "abc",
      time: AT_MS,
      tags: ["shipline", "version:v1.2.0", "stage:canary", "environment:production", "service:web"],
      text: 'Deployed v1.2.0 to canary (production) (<a href="https://github.com/acme/web/actions/runs/42">deploy job</a>)',
    });
  });

  it("retries a 500, then gives up with a failed delivery instead of throwing", async () => {
    const r = await receiver([500, 500, 500]);
    const markers = Markers.parse([{ type: "grafana", url: r.url }]);
    const out = await postMarkers(markers, deployed, {
      env: { GRAFANA_TOKEN: "t" },
      fetch: httpFetch,
      retry: noWait,
    });
    expect(out[0]).toMatchObject({ ok: false, attempts: 3 });
    expect(out[0]?.error).toContain("HTTP 500");
    expect(r.received).toHaveLength(3);
  });
});

describe("datadog preset", () => {
  it("POSTs an event to api.<site> with DD-API-KEY", async () => {
    let body: unknown;
    const scope = nock("https://api.datadoghq.eu", { reqheaders: { "dd-api-key": "dd-key" } })
      .post("/api/v1/events", (b) => {
        body = b;
        return true;
      })
      .reply(202, { status: "ok" });
    const markers = Markers.parse([{ type: "datadog", site: "datadoghq.eu", tags: ["service:web"] }]);
    const out = await postMarkers(
      markers,
      { ...deployed, mode: "rollback", from: "v1.3.0" },
      {
        env: { DD_API_KEY: "dd-key" },
        fetch: (url, init) => globalThis.fetch(url, init),
      },
    );
    expect(out[0]).toMatchObject({ ok: true });
    scope.done();
    expect(body).toEqual({
      title: "Rolled canary (production) back to v1.2.0 from v1.3.0",
      text: "Rolled canary (production) back to v1.2.0 from v1.3.0: 2 target(s)\nhttps://github.com/acme/web/actions/runs/42",
      tags: ["shipline", "version:v1.2.0", "stage:canary", "environment:production", "service:web"],
      alert_type: "warning",
      source_type_name: "shipline",
      date_happened: AT_MS / 1000,
      aggregation_key: "shipline-default-v1.2.0",
    });
  });
});

describe("newrelic preset", () => {
  it("sends the changeTrackingCreateDeployment mutation with API-Key and fails on GraphQL errors", async () => {
    const bodies: unknown[] = [];
    const scope = nock("https://api.newrelic.com", { reqheaders: { "api-key": "NRAK-1" } })
      .post("/graphql", (b) => {
        bodies.push(b);
        return true;
      })
      .reply(200, { data: { changeTrackingCreateDeployment: { deploymentId: "d1", entityGuid: "GUID" } } })
      .post("/graphql")
      .reply(200, { errors: [{ message: "entity not found" }] });
    const markers = Markers.parse([{ type: "newrelic", "entity-guid": "GUID" }]);
    const deps = {
      env: { NEW_RELIC_API_KEY: "NRAK-1" },
      fetch: (u: string, i?: RequestInit) => globalThis.fetch(u, i),
    };
    expect((await postMarkers(markers, deployed, deps))[0]).toMatchObject({ ok: true });
    const failed = (await postMarkers(markers, deployed, { ...deps, retry: noWait }))[0];
    expect(failed).toMatchObject({ ok: false, attempts: 1, error: "newrelic: entity not found" });
    scope.done();
    expect(bodies[0]).toEqual({
      query: NEW_RELIC_MUTATION,
      variables: {
        deployment: {
          entityGuid: "GUID",
          version: "v1.2.0",
          description: "Deployed v1.2.0 to canary (production)",
          deploymentType: "CANARY",
          timestamp: AT_MS,
          user: "shipline",
          deepLink: "https://github.com/acme/web/actions/runs/42",
        },
      },
    });
    expect(NEW_RELIC_MUTATION).toContain("changeTrackingCreateDeployment(deployment: $deployment)");
  });
});

describe("template markers (Graphite, Instana, anything)", () => {
  it("fills placeholders, JSON-escapes the body, reads secret headers, one call per target", async () => {
    const r = await receiver();
    const markers = Markers.parse([
      {
        type: "template",
        url: `${r.url}/events/{stage}?v={version}`,
        headers: { "X-Team": "web" },
        "header-secrets": { Authorization: "INSTANA_AUTH" },
        body: '{"what":"deploy {version}","tags":["{stage}","{target}"],"when":{at_s},"data":"{description}"}',
        per: "target",
      },
    ]);
    const out = await postMarkers(
      markers,
      { ...deployed, version: 'v1.2.0+b"x', targets: ["web-2", 'we"b'] },
      { env: { INSTANA_AUTH: "apiToken abc" }, fetch: httpFetch },
    );
    expect(out.map((d) => d.ok)).toEqual([true, true]);
    expect(r.received.map((q) => q.path)).toEqual([
      "/events/canary?v=v1.2.0%2Bb%22x",
      "/events/canary?v=v1.2.0%2Bb%22x",
    ]);
    expect(r.received[0]?.headers.authorization).toBe("apiToken abc");
    expect(r.received[0]?.headers["x-team"]).toBe("web");
    expect(r.received[0]?.headers["content-type"]).toBe("application/json");
    expect(r.received.map((q) => JSON.parse(q.body))).toEqual([
      {
        what: 'deploy v1.2.0+b"x',
        tags: ["canary", "web-2"],
        when: AT_MS / 1000,
        data: 'Deployed v1.2.0+b"x to canary (production)',
      },
      {
        what: 'deploy v1.2.0+b"x',
        tags: ["canary", 'we"b'],
        when: AT_MS / 1000,
        data: 'Deployed v1.2.0+b"x to canary (production)',
      },
    ]);
  });

  it("only fires for the stages it names and reports a missing secret by name", async () => {
    const r = await receiver();
    const markers = Markers.parse([
      { type: "template", url: `${r.url}/a`, body: "{version}", stages: ["production"] },
      {
        type: "template",
        url: `${r.url}/b`,
        "header-secrets": { "X-Key": "GRAPHITE_KEY" },
        stages: ["canary"],
      },
    ]);
    const out = await postMarkers(markers, deployed, { env: {}, fetch: httpFetch, retry: noWait });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(out[0]?.error).toContain("GRAPHITE_KEY");
    expect(r.received).toEqual([]);
  });
});
