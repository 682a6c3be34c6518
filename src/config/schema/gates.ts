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
  })
  .describe("Conditions every deploy must meet; rollbacks bypass windows and the error budget.");
export type Gates = z.infer<typeof Gates>;
