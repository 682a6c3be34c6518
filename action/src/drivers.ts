import { commandDriver } from "../../src/rollout/drivers/command.js";
import { directoryDriver } from "../../src/rollout/drivers/directory.js";
import { sshDriver } from "../../src/rollout/drivers/ssh.js";
import type { TargetDriver } from "../../src/rollout/drivers/types.js";
import type { ReleaseSource } from "../../src/rollout/source.js";
import type { ModeContext } from "./context.js";

/** The pipeline's driver, bound to the release being deployed and the one a failure returns to. */
export function makeDriver(
  context: ModeContext,
  source: ReleaseSource,
  previous: ReleaseSource | null,
): TargetDriver<unknown> {
  const driver = context.pipeline.driver;
  if (!driver)
    throw new Error(
      `pipeline "${context.pipeline.name}" declares no driver; add e.g. driver: { type: directory, path: "/srv/app/{target}" } to ${context.inputs.config}`,
    );
  if (driver.type === "directory")
    return directoryDriver({ path: driver.path, keep: driver.keep, base: context.workspace, source });
  if (driver.type === "ssh") {
    const known = new Set(Object.values(context.pipeline.targets).flat());
    const stray = Object.keys(driver.hosts ?? {}).filter((name) => !known.has(name));
    if (stray.length)
      throw new Error(
        `driver.hosts names ${stray.join(", ")}, which ${stray.length === 1 ? "is" : "are"} not among the targets of ${context.inputs.config}; fix the name (a typo would send that host's deploy to the \`host\` template instead)`,
      );
    return sshDriver({
      spec: driver,
      source,
      previousVersion: previous?.version ?? null,
      env: context.env,
      log: (line) => context.log.info(line),
      ...(context.env.RUNNER_TEMP ? { tempDir: context.env.RUNNER_TEMP } : {}),
    }) as TargetDriver<unknown>;
  }
  return commandDriver({
    run: driver.run,
    ...(driver.rollback ? { rollback: driver.rollback } : {}),
    per: driver.per,
    timeout: driver.timeout,
    cwd: context.workspace,
    source,
    previous,
    env: context.env,
    log: (line) => context.log.info(line),
  }) as TargetDriver<unknown>;
}
