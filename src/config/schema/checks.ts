import { z } from "zod";
import { Duration } from "./common.js";

/** Where a metric comes from. Credentials are named secrets (environment variables), never values. */
export const PrometheusSource = z.strictObject({
  url: z.string().url().describe("Prometheus base URL, e.g. http://prometheus:9090"),
  query: z.string().min(1).describe("PromQL; {stage}, {environment}, {version}, {target} are substituted."),
  "token-secret": z.string().optional().describe("Name of an environment variable holding a bearer token."),
});
export const HttpJsonSource = z.strictObject({
  url: z.string().min(1).describe("URL returning JSON; {target} is substituted."),
  path: z.string().min(1).describe("Dotted path to the number in the JSON body, e.g. data.errorRate"),
  "headers-secret": z.string().optional(),
});
export const DatadogSource = z.strictObject({
  query: z.string().min(1),
  site: z.string().default("datadoghq.com"),
  "api-key-secret": z.string().default("DD_API_KEY"),
  "app-key-secret": z.string().default("DD_APP_KEY"),
});

const Source = {
  prometheus: PrometheusSource.optional(),
  http: HttpJsonSource.optional(),
  datadog: DatadogSource.optional(),
};

export const CanaryScoring = z.strictObject({
  pass: z.number().min(0).max(100).default(95),
  marginal: z.number().min(0).max(100).default(75),
  confidence: z.number().gt(0).lt(1).default(0.98),
});

export const Check = z
  .strictObject({
    kind: z
      .enum(["smoke", "threshold", "derivative", "sigma", "log-errors", "canary"])
      .optional()
      .describe("Inferred when omitted: smoke for `smoke`, canary for `compare`, threshold otherwise."),
    smoke: z
      .strictObject({
        url: z.string().min(1).describe("URL per target; {target} and {region} are substituted."),
        expect: z.number().int().default(200),
        contains: z.string().optional(),
        timeout: Duration.default("10s"),
      })
      .optional(),
    ...Source,
    min: z.number().optional(),
    max: z.number().optional(),
    window: Duration.default("5m").describe("Range looked at per measurement."),
    step: Duration.optional().describe(
      "Resolution of range queries (derivative, sigma, canary). Default: window / 30, at least 1s.",
    ),
    "max-rate": z.number().optional().describe("derivative: largest allowed change per minute."),
    sigma: z
      .number()
      .positive()
      .default(3)
      .describe("sigma: allowed distance from the past mean, in standard deviations."),
    baseline: z
      .strictObject({
        prometheus: PrometheusSource.partial({ url: true }).optional(),
        datadog: z
          .strictObject({ query: z.string().min(1) })
          .optional()
          .describe("Baseline query on the check's own Datadog site and keys."),
      })
      .optional()
      .describe("canary: where the baseline (production) samples come from."),
    compare: z.literal("baseline").optional(),
    direction: z
      .enum(["increase", "decrease", "either"])
      .default("increase")
      .describe("canary, derivative, sigma: which change is bad."),
    critical: z
      .boolean()
      .default(false)
      .describe("canary: a High/Low on this metric fails the whole analysis."),
    weight: z.number().positive().default(1),
    scoring: CanaryScoring.optional().describe(
      "canary: score thresholds and test confidence; the strictest among a stage's canary checks applies.",
    ),
    tolerance: z
      .number()
      .min(0)
      .default(0.25)
      .describe("canary: allowed effect size before a difference counts."),
    "failure-limit": z.number().int().min(0).default(0),
    "inconclusive-limit": z.number().int().min(0).default(0),
    "consecutive-error-limit": z.number().int().min(0).default(4),
    "missing-data": z.enum(["fail", "inconclusive", "pass"]).default("inconclusive"),
  })
  .describe("A verification check, referenced by name from a stage's `verify`.");
export type Check = z.infer<typeof Check>;
