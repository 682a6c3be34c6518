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

export const SshDriver = z
  .strictObject({
    type: z.literal("ssh"),
    path: z
      .string()
      .regex(/^\//, "expected an absolute path on the host, e.g. /srv/app")
      .describe(
        "Directory on each host; {target} and {region} are replaced. Same layout as the directory driver: releases/<version>/, current, shipline-history, shipline-rollback.",
      ),
    host: z
      .string()
      .min(1)
      .default("{target}")
      .describe("Address of a target, [user@]host[:port]; {target} and {region} are replaced."),
    hosts: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe("Addresses of single targets ([user@]host[:port]), where `host` does not fit."),
    user: z.string().min(1).optional().describe("Remote user when the address names none."),
    port: z.number().int().min(1).max(65535).default(22),
    "known-hosts": z
      .string()
      .min(1)
      .optional()
      .describe(
        "known_hosts lines for the targets (ssh-keyscan output, checked by hand). Host keys are always verified.",
      ),
    "known-hosts-secret": z
      .string()
      .min(1)
      .optional()
      .describe(
        "Name of an environment variable holding known_hosts lines (instead of, or added to, known-hosts).",
      ),
    "key-secret": z
      .string()
      .min(1)
      .default("SSH_PRIVATE_KEY")
      .describe("Name of the environment variable holding the private key (from secrets.*); never logged."),
    restart: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Run on the host in <path>/current after the switch (e.g. sudo systemctl restart app), with SHIPLINE_* variables.",
      ),
    health: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Run on the host after the restart until it exits 0 (health-retries times); a failure fails the target.",
      ),
    "health-retries": z.number().int().min(1).max(100).default(5),
    "health-interval": z.number().int().min(0).max(300).default(2).describe("Seconds between health checks."),
    keep: z.number().int().min(2).max(100).default(5).describe("How many releases to keep on each host."),
    timeout: z
      .string()
      .default("10m")
      .describe("Time limit for one step on one host (upload, install, restart)."),
    "connect-timeout": z
      .number()
      .int()
      .min(1)
      .max(300)
      .default(10)
      .describe("Seconds to wait for a host to answer."),
  })
  .refine((d) => d["known-hosts"] !== undefined || d["known-hosts-secret"] !== undefined, {
    path: ["known-hosts"],
    message:
      "the ssh driver always verifies host keys: add known-hosts (known_hosts lines, e.g. from ssh-keyscan, checked by hand) or known-hosts-secret (the variable holding them)",
  });

export const Driver = z
  .discriminatedUnion("type", [DirectoryDriver, CommandDriver, SshDriver])
  .describe("How the Action installs a release on a target.");
export type Driver = z.infer<typeof Driver>;
export type SshDriver = z.infer<typeof SshDriver>;
