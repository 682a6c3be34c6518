import * as core from "@actions/core";
import type { Log } from "./context.js";

/**
 * Text the Action prints is shown, never obeyed. The runner reads a line as a workflow command when it starts
 * (after spaces) with `::` and anywhere it holds `##[` (the old syntax), so untrusted text (the reason input,
 * release names, error texts, a deploy command's output) could otherwise raise annotations, such as the verdict
 * the App reads, or mask values and stop command processing. Each line of such text that would start a command
 * is prefixed with `> `, and `##[` is split to `## [`; everything else is left as it was.
 */
export function printable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const safe = line.replaceAll("##[", "## [");
      return /^\s*::/.test(safe) ? `> ${safe}` : safe;
    })
    .join("\n");
}

/**
 * The Action's job log. `info` lines go to stdout as they are, so they are made printable first; warnings,
 * notices and group names go through @actions/core's command escaping (a newline becomes %0A, so the text stays
 * inside its own command).
 */
export const jobLog: Log = {
  info: (line) => core.info(printable(line)),
  warning: (line) => core.warning(line),
  notice: (message, title) => core.notice(message, { title }),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
};
