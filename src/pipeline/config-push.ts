import { CONFIG_PATH } from "../config/index.js";
import { RUNBOOK_PATH } from "../runbook/generate.js";

/**
 * Whether a push gets a `shipline / config` check run: it must change .github/shipline.yml or RUNBOOK.md and
 * leave a head commit (a deleted branch has none). The check itself is `configCheck` (config-check.ts).
 */
export function configPushMatters(push: {
  changed: readonly string[];
  deleted: boolean;
  head?: string;
}): boolean {
  const changed = new Set(push.changed);
  return (changed.has(CONFIG_PATH) || changed.has(RUNBOOK_PATH)) && !push.deleted && push.head !== undefined;
}

/** The runbook is compared only with a valid config (an invalid one already fails the check). */
export function configPushNeedsRunbook(configOk: boolean): string | undefined {
  return configOk ? RUNBOOK_PATH : undefined;
}
