import { z } from "zod";

/** Name of an environment variable of the deploy job that holds a secret (mapped from a GitHub secret). */
const SecretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected the name of an environment variable, e.g. DD_API_KEY");

const Stages = z
  .array(z.string().min(1))
  .optional()
  .describe("Stages this marker is recorded for (default: all).");

export const GrafanaMarker = z.strictObject({
  type: z.literal("grafana"),
  url: z.string().url().describe("Grafana base URL, e.g. https://grafana.example.com"),
  "token-secret": SecretName.default("GRAFANA_TOKEN").describe("Service account token (Bearer)."),
  tags: z.array(z.string().min(1)).default([]).describe("Extra annotation tags."),
  "dashboard-uid": z
    .string()
    .optional()
    .describe("Annotate one dashboard only (default: organisation-wide)."),
  stages: Stages,
});

export const DatadogMarker = z.strictObject({
  type: z.literal("datadog"),
  site: z.string().default("datadoghq.com").describe("Datadog site, e.g. datadoghq.eu"),
  "api-key-secret": SecretName.default("DD_API_KEY"),
  tags: z.array(z.string().min(1)).default([]).describe("Extra event tags, e.g. service:web"),
  stages: Stages,
});

export const NewRelicMarker = z.strictObject({
  type: z.literal("newrelic"),
  "entity-guid": z
    .string()
    .min(1)
    .describe("GUID of the New Relic entity (the service) the deployment belongs to."),
  "api-key-secret": SecretName.default("NEW_RELIC_API_KEY").describe("A User API key."),
  region: z.enum(["us", "eu"]).default("us"),
  stages: Stages,
});

export const TemplateMarker = z.strictObject({
  type: z.literal("template"),
  url: z
    .string()
    .min(1)
    .describe("URL; {version}, {stage}, {environment}, {target}, {pipeline} are substituted (URL-encoded)."),
  method: z.enum(["POST", "PUT", "PATCH", "GET"]).default("POST"),
  headers: z.record(z.string(), z.string()).default({}).describe("Plain headers, e.g. Content-Type."),
  "header-secrets": z
    .record(z.string(), SecretName)
    .default({})
    .describe("Headers whose value is read from an environment variable: { Authorization: INSTANA_AUTH }."),
  body: z
    .string()
    .optional()
    .describe(
      "Body template; {version}, {stage}, {environment}, {target}, {pipeline}, {at} (ISO), {at_ms}, {at_s} are substituted (JSON-escaped for a JSON body).",
    ),
  per: z
    .enum(["stage", "target"])
    .default("stage")
    .describe("One call per stage ({target} is the comma-separated list) or one per target."),
  stages: Stages,
});

export const Marker = z
  .discriminatedUnion("type", [GrafanaMarker, DatadogMarker, NewRelicMarker, TemplateMarker])
  .describe("A deployment marker: records 'version X deployed to stage Y' in a monitoring tool.");
export type Marker = z.infer<typeof Marker>;

export const Markers = z
  .array(Marker)
  .describe("Deployment markers the Action records after a successful rollout or rollback.");
