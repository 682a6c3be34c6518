import { z } from "zod";
import { Duration } from "./common.js";

export const DirectoryDriver = z.strictObject({
  type: z.literal("directory"),
  path: z
    .string()
    .min(1)
    .describe(
      "Target directory; {target} and {region} are replaced. Releases go to <path>/releases/<version>/.",
    ),
  keep: z.number().int().min(2).max(100).default(5).describe("How many releases to keep for rollback."),
});

export const CommandDriver = z.strictObject({
  type: z.literal("command"),
  run: z
    .string()
    .min(1)
    .describe(
      "Command run per target (or per batch) with SHIPLINE_* environment variables; values are never interpolated into it.",
    ),
  rollback: z
    .string()
    .min(1)
    .optional()
    .describe("Command for rollbacks; defaults to `run` with SHIPLINE_MODE=rollback."),
  per: z.enum(["target", "batch"]).default("target"),
  timeout: Duration.default("15m").describe(
    "Time limit for one run of the command; then it and everything it started are stopped (SIGTERM, SIGKILL 5s later).",
  ),
});

export const Driver = z
  .discriminatedUnion("type", [DirectoryDriver, CommandDriver])
  .describe("How the Action installs a release on a target.");
export type Driver = z.infer<typeof Driver>;
