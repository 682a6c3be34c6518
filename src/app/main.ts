import type { Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { registerButtons } from "./handlers/buttons.js";
import { registerClock } from "./handlers/clock.js";
import { registerComments } from "./handlers/comments.js";
import { registerConfigPush } from "./handlers/config-push.js";
import { registerDeploymentStatus } from "./handlers/deployment-status.js";
import { registerEnvironmentSync } from "./handlers/environment-sync.js";
import { registerProtectionRule } from "./handlers/protection-rule.js";
import { registerReleasePublished } from "./handlers/release-published.js";

/** Wires the handlers; `deps` (clock, fetch, env) is injected so tests control them. */
export function appMain(app: Probot, deps: AppDeps): void {
  registerReleasePublished(app, deps);
  registerDeploymentStatus(app, deps);
  registerConfigPush(app, deps);
  registerEnvironmentSync(app, deps);
  registerProtectionRule(app, deps);
  registerComments(app, deps);
  registerButtons(app, deps);
  registerClock(app, deps);
}
