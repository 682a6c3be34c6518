import type { Marker } from "../config/schema/markers.js";
import type { InstallMode } from "../config/vocabulary.js";

/** What a marker says: this version went to this stage. */
export interface Deployed {
  version: string;
  stage: string;
  environment: string;
  pipeline: string;
  targets: string[];
  mode: InstallMode;
  /** The release rolled back (rollbacks only). */
  from?: string;
  at: Date;
  run_url?: string | null;
  repository?: string;
}

/** A request to make, with secret header values still named (resolved from the environment by the sender). */
export interface MarkerRequest {
  label: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Header name -> environment variable holding its value. */
  secretHeaders: Record<string, { env: string; prefix?: string }>;
  body?: string;
  /** NerdGraph answers 200 with `errors`: the sender must look inside. */
  graphql?: boolean;
}

export function appliesTo(marker: Marker, stage: string): boolean {
  return !marker.stages || marker.stages.includes(stage);
}

function description(d: Deployed): string {
  return d.mode === "rollback"
    ? `Rolled ${d.stage} (${d.environment}) back to ${d.version}${d.from ? ` from ${d.from}` : ""}`
    : `Deployed ${d.version} to ${d.stage} (${d.environment})`;
}

function baseTags(d: Deployed): string[] {
  return [
    "shipline",
    `version:${d.version}`,
    `stage:${d.stage}`,
    `environment:${d.environment}`,
    ...(d.pipeline !== "default" ? [`pipeline:${d.pipeline}`] : []),
  ];
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** Grafana HTTP API: POST /api/annotations (time in ms, tags, text), Bearer service-account token. */
function grafana(m: Extract<Marker, { type: "grafana" }>, d: Deployed): MarkerRequest {
  return {
    label: `grafana ${new URL(m.url).host}`,
    url: `${trimSlash(m.url)}/api/annotations`,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    secretHeaders: { Authorization: { env: m["token-secret"], prefix: "Bearer " } },
    body: JSON.stringify({
      ...(m["dashboard-uid"] ? { dashboardUID: m["dashboard-uid"] } : {}),
      time: d.at.getTime(),
      tags: [...baseTags(d), ...m.tags],
      text: `${description(d)}${d.run_url ? ` (<a href="${d.run_url}">deploy job</a>)` : ""}`,
    }),
  };
}

/** Datadog Events API v1: POST https://api.<site>/api/v1/events with DD-API-KEY. */
function datadog(m: Extract<Marker, { type: "datadog" }>, d: Deployed): MarkerRequest {
  return {
    label: `datadog ${m.site}`,
    url: `https://api.${m.site}/api/v1/events`,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    secretHeaders: { "DD-API-KEY": { env: m["api-key-secret"] } },
    body: JSON.stringify({
      title: description(d),
      text: `${description(d)}: ${d.targets.length} target(s)${d.run_url ? `\n${d.run_url}` : ""}`,
      tags: [...baseTags(d), ...m.tags],
      alert_type: d.mode === "rollback" ? "warning" : "info",
      source_type_name: "shipline",
      date_happened: Math.floor(d.at.getTime() / 1000),
      aggregation_key: `shipline-${d.pipeline}-${d.version}`,
    }),
  };
}

export const NEW_RELIC_MUTATION =
  "mutation ShiplineDeployment($deployment: ChangeTrackingDeploymentInput!) { changeTrackingCreateDeployment(deployment: $deployment) { deploymentId entityGuid } }";

/** New Relic change tracking: the NerdGraph `changeTrackingCreateDeployment` mutation, API-Key header. */
function newrelic(m: Extract<Marker, { type: "newrelic" }>, d: Deployed): MarkerRequest {
  return {
    label: "newrelic",
    url: m.region === "eu" ? "https://api.eu.newrelic.com/graphql" : "https://api.newrelic.com/graphql",
    method: "POST",
    headers: { "Content-Type": "application/json" },
    secretHeaders: { "API-Key": { env: m["api-key-secret"] } },
    graphql: true,
    body: JSON.stringify({
      query: NEW_RELIC_MUTATION,
      variables: {
        deployment: {
          entityGuid: m["entity-guid"],
          version: d.version,
          description: description(d),
          deploymentType: d.stage.toLowerCase().includes("canary") ? "CANARY" : "ROLLING",
          timestamp: d.at.getTime(),
          user: "shipline",
          ...(d.run_url ? { deepLink: d.run_url } : {}),
        },
      },
    }),
  };
}

/** Fills `{name}` placeholders; unknown names are left as they are. */
export function fill(
  template: string,
  values: Record<string, string>,
  encode: (s: string) => string,
): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    name in values ? encode(values[name]!) : whole,
  );
}

const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);

/** Any tool: URL, method, headers (some from secrets) and a body template. */
function template(m: Extract<Marker, { type: "template" }>, d: Deployed): MarkerRequest[] {
  const targets = m.per === "target" ? d.targets.map((t) => [t]) : [d.targets];
  const contentType =
    Object.entries(m.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "application/json";
  const json = /json/i.test(contentType);
  return targets.map((list) => {
    const values: Record<string, string> = {
      version: d.version,
      stage: d.stage,
      environment: d.environment,
      pipeline: d.pipeline,
      target: list.join(","),
      mode: d.mode,
      at: d.at.toISOString(),
      at_ms: String(d.at.getTime()),
      at_s: String(Math.floor(d.at.getTime() / 1000)),
      description: description(d),
    };
    const url = fill(m.url, values, encodeURIComponent);
    return {
      label: `template ${safeHost(url)}`,
      url,
      method: m.method,
      headers: { "Content-Type": contentType, ...m.headers },
      secretHeaders: Object.fromEntries(Object.entries(m["header-secrets"]).map(([h, env]) => [h, { env }])),
      ...(m.body !== undefined && m.method !== "GET"
        ? { body: fill(m.body, values, json ? jsonEscape : (s) => s) }
        : {}),
    };
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}

/** The requests one marker config makes for one deployment (several for a per-target template). */
export function markerRequests(marker: Marker, deployed: Deployed): MarkerRequest[] {
  switch (marker.type) {
    case "grafana":
      return [grafana(marker, deployed)];
    case "datadog":
      return [datadog(marker, deployed)];
    case "newrelic":
      return [newrelic(marker, deployed)];
    case "template":
      return template(marker, deployed);
  }
}
