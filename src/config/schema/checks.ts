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

/** A test command run in the deploy job against the deployed stage. */
export const CommandCheck = z.strictObject({
  run: z
    .string()
    .min(1)
    .describe(
      "Run with `sh -c` in the workspace; SHIPLINE_STAGE, SHIPLINE_ENVIRONMENT, SHIPLINE_VERSION, SHIPLINE_TARGETS and SHIPLINE_REGIONS are environment variables, never interpolated into the text.",
    ),
  timeout: Duration.default("15m").describe(
    "Time limit; the command and every process it started are stopped (SIGTERM, SIGKILL 5s later).",
  ),
  junit: z
    .string()
    .min(1)
    .optional()
    .describe(
      "JUnit XML file the command writes (relative to the workspace): its counts and first failures go into the report.",
    ),
  "every-round": z
    .boolean()
    .default(false)
    .describe("Run in every verification round; by default only in the first, right after the rollout."),
});

/** Another workflow of the repository, dispatched with the stage and version as inputs (e.g. a load test). */
export const WorkflowCheck = z.strictObject({
  file: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+\.ya?ml$/,
      "expected a workflow file name under .github/workflows, e.g. load-test.yml",
    )
    .describe(
      "Workflow file in .github/workflows; it must have `on: workflow_dispatch` with `stage` and `version` inputs.",
    ),
  ref: z.string().min(1).optional().describe("Ref to run the workflow on; default the release tag."),
  inputs: z
    .record(z.string(), z.string())
    .optional()
    .describe("More inputs; {stage}, {environment} and {version} are substituted."),
  timeout: Duration.default("1h").describe(
    "How long to wait for the run's conclusion; a run still going then counts as an error (it is not cancelled).",
  ),
  poll: Duration.default("15s").describe("How often the run is looked at."),
  "every-round": z
    .boolean()
    .default(false)
    .describe("Dispatch in every verification round; by default only in the first."),
});

export type CommandCheck = z.infer<typeof CommandCheck>;
export type WorkflowCheck = z.infer<typeof WorkflowCheck>;

export const CanaryScoring = z.strictObject({
  pass: z.number().min(0).max(100).default(95),
  marginal: z.number().min(0).max(100).default(75),
  confidence: z.number().gt(0).lt(1).default(0.98),
});

export const Check = z
  .strictObject({
    kind: z
      .enum(["smoke", "threshold", "derivative", "sigma", "log-errors", "canary", "command", "workflow"])
      .optional()
      .describe(
        "Inferred when omitted: smoke for `smoke`, command for `command`, workflow for `workflow`, canary for `compare`, threshold otherwise.",
      ),
    smoke: z
      .strictObject({
        url: z.string().min(1).describe("URL per target; {target} and {region} are substituted."),
        expect: z.number().int().default(200),
        contains: z.string().optional(),
        timeout: Duration.default("10s"),
      })
      .optional(),
    command: CommandCheck.optional(),
    workflow: WorkflowCheck.optional(),
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
