import { z } from "zod";
import { PrometheusSource } from "./checks.js";
import { Duration, Principal } from "./common.js";

const WINDOW =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))? ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

export const Windows = z.strictObject({
  timezone: z
    .string()
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: "unknown IANA time zone, e.g. Europe/London" },
    )
    .default("UTC"),
  allow: z
    .array(
      z
        .string()
        .regex(
          WINDOW,
          'expected "Mon-Thu 09:00-16:00" (days, then a time range; 22:00-06:00 wraps midnight)',
        ),
    )
    .min(1)
    .describe("Times deploys may start. Absent: any time."),
  stages: z.array(z.string()).optional().describe("Stages the windows apply to (default: all)."),
});

export const Freeze = z.strictObject({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()),
  until: z.iso.datetime({ offset: true }).or(z.iso.date()),
  reason: z.string().min(1),
});

export const ErrorBudget = z.strictObject({
  slo: z.number().gt(0).lt(100).describe("Availability objective in percent, e.g. 99.9."),
  window: Duration.default("28d"),
  prometheus: PrometheusSource.describe("A query returning the error ratio (0..1) over the {window}."),
  "burn-rate": z
    .array(z.strictObject({ long: Duration, short: Duration, factor: z.number().positive() }))
    .default([{ long: "1h", short: "5m", factor: 14.4 }])
    .describe("Multi-window burn-rate alerts that block deploys."),
  stages: z.array(z.string()).optional(),
});

/** Opt-in: Shipline creates/updates the environments its stages name when the config changes on the default branch. */
export const EnvironmentSync = z
  .strictObject({
    sync: z
      .boolean()
      .default(false)
      .describe(
        "Create/update the stages' environments on a push to the default branch (changes repository settings).",
      ),
    "wait-timer": z
      .record(z.string(), z.number().int().min(0).max(43_200))
      .optional()
      .describe("Minutes a deploy job waits before it starts, per environment, e.g. { production: 5 }."),
    "tag-pattern": z
      .string()
      .min(1)
      .optional()
      .describe("The only tags that may deploy to the environments (default: the pipeline's `tags`)."),
    reviewers: z
      .record(z.string(), z.array(Principal).min(1).max(6))
      .optional()
      .describe("Required reviewers per environment (default: the production stages' `approvers`)."),
  })
  .describe(
    "Environment sync (docs/gates.md): reviewers, prevent self-review, wait timer, tag policy, Shipline's rule.",
  );
export type EnvironmentSync = z.infer<typeof EnvironmentSync>;

export const Gates = z
  .strictObject({
    windows: Windows.optional(),
    freezes: z.array(Freeze).default([]),
    "error-budget": ErrorBudget.optional(),
    "required-checks": z
      .array(z.string().min(1))
      .default([])
      .describe("Check names that must be green on the release commit."),
    "production-actors": z
      .array(Principal)
      .optional()
      .describe("Users or @org/teams allowed to drive production stages. Default: anyone with write access."),
    "github-reviewers": z
      .boolean()
      .default(false)
      .describe("Rely on the environment's required reviewers (with prevent self-review) for four-eyes."),
    environments: EnvironmentSync.optional(),
  })
  .describe("Conditions every deploy must meet; rollbacks bypass windows and the error budget.");
export type Gates = z.infer<typeof Gates>;
