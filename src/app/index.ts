import type { ApplicationFunctionOptions, Probot } from "probot";
import { defaultDeps } from "./deps.js";
import { appVersion, healthHandler } from "./health.js";
import { appMain } from "./main.js";

/** Entry for `probot run`: no logic here. */
export default (app: Probot, options?: ApplicationFunctionOptions): void => {
  appMain(app, defaultDeps());
  options?.addHandler(healthHandler(appVersion()));
};
