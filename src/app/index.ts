import type { Probot } from "probot";
import { defaultDeps } from "./deps.js";
import { appMain } from "./main.js";

/** Entry for `probot run`: no logic here. */
export default (app: Probot): void => appMain(app, defaultDeps());
