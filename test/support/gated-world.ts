// An end-to-end world (tools/e2e) where Shipline's protection rule guards staging and production and nothing else
// holds a deploy (no four-eyes: approvals 0), with carol and dave as writers: for tests of locks and holds.
import { buildApp } from "../../tools/e2e/app.js";
import { stagingProduction } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

export async function startGatedWorld(): Promise<World> {
  buildApp();
  const world = await startWorld({
    config: (root) =>
      stagingProduction(root).replace("waves: [50, 100] }", "waves: [50, 100], approvals: 0 }"),
    environments: { staging: { customRule: true }, production: { customRule: true } },
  });
  world.gh.standin.setPermission("carol", "write");
  world.gh.standin.setPermission("dave", "write");
  return world;
}
