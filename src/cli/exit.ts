/** The exit codes every `shipline` command uses (docs/cli.md lists them). */
export const EXIT = {
  /** Done: the config is valid, the command was accepted, the release went through. */
  ok: 0,
  /** The answer is "no": problems in the config, a refused command, a failed release, a stale runbook. */
  failed: 1,
  /** The command line is wrong: unknown command or flag, a missing argument. Nothing was done. */
  usage: 2,
  /** Not authenticated, or the token may not do this. */
  auth: 3,
  /** The release, tag or file named does not exist. */
  notFound: 4,
  /** GitHub could not be reached (offline, DNS, a wrong GH_HOST), or the App did not answer in time. */
  unavailable: 5,
} as const;
