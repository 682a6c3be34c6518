import { z } from "zod";
import { parseDuration } from "../duration.js";
import { Duration, Name, Principal } from "./common.js";

/** The longest bake: a check run left in progress for 14 days is marked stale by GitHub. */
export const MAX_BAKE_MS = 13 * 86_400_000;

export const Stage = z
  .strictObject({
    name: Name.describe("Stage name; its check run is `shipline / <name>`."),
    environment: Name.optional().describe(
      "GitHub environment the deploy job declares (default: the stage name).",
    ),
    targets: z
      .union([z.literal("all"), z.array(z.string().min(1)).min(1)])
      .default("all")
      .describe('Regions of `targets` this stage deploys to, or "all".'),
    percent: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe(
        "Deploy to this percentage of the pool, picked at random but reproducibly per release (a canary).",
      ),
    "every-region": z
      .boolean()
      .default(false)
      .describe("With `percent`: at least one target in every region."),
    waves: z
      .array(z.number().gt(0).max(100))
      .min(1)
      .optional()
      .describe("Cumulative percentages of hosts per wave, e.g. [25, 50, 100]. Ignored when `by: region`."),
    by: z.enum(["percent", "region", "host"]).default("percent").describe("How waves are cut."),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe("Targets deployed at once within a wave."),
    bake: Duration.refine((s) => (parseDuration(s) ?? 0) <= MAX_BAKE_MS, {
      message:
        "a bake may last at most 13d: the stage's check run stays in progress while it bakes, and GitHub marks a check run left incomplete for 14 days stale",
    })
      .optional()
      .describe(
        "How long the stage must stay live before the next stage (a traffic cycle), at most 13d. With the App, the bake runs on its clock: verification rounds are short `verify` jobs every `interval`.",
      ),
    verify: z.array(Name).default([]).describe("Names of `checks` run after the rollout, for the bake time."),
    interval: Duration.default("1m").describe("Time between verification rounds."),
    promote: z
      .enum(["auto", "manual"])
      .default("auto")
      .describe("Dispatch the next stage automatically or on /promote."),
    approvals: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe(
        "Distinct approvers required (not the release author nor the trigger). Default: 1 for production.",
      ),
    approvers: z
      .array(Principal)
      .optional()
      .describe("Who may approve or promote into this stage (logins or @org/team)."),
    production: z
      .boolean()
      .optional()
      .describe("Treat as production (four-eyes). Default: environment name contains 'prod'."),
    prereleases: z
      .boolean()
      .optional()
      .describe(
        "Whether GitHub prereleases deploy to this stage. Default: true for every stage but the last, false for the last.",
      ),
  })
  .refine((s) => !(s.waves && s.percent), { message: "use either `percent` (a canary) or `waves`, not both" })
  .refine((s) => !s.waves || s.waves.every((w, i, a) => i === 0 || w > a[i - 1]!), {
    message: "`waves` must increase, e.g. [25, 50, 100]",
    path: ["waves"],
  });
export type Stage = z.infer<typeof Stage>;
