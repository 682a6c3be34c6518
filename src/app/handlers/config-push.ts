import type { Probot } from "probot";
import { CONFIG_PATH } from "../../config/index.js";
import { CONFIG_CHECK, configFailure } from "../../pipeline/index.js";
import type { AppDeps } from "../deps.js";
import { gatewayFor } from "../gateway-for.js";
import { loadConfig } from "../load-config.js";

/** A push that changes .github/shipline.yml gets a `shipline / config` check run on its head commit. */
export function registerConfigPush(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    const touched = payload.commits.some((c) =>
      [...(c.added ?? []), ...(c.modified ?? [])].includes(CONFIG_PATH),
    );
    if (!touched || payload.deleted || !payload.head_commit) return;
    const gw = gatewayFor(context, deps);
    const sha = payload.head_commit.id;
    const config = await loadConfig(gw, sha);
    if (!config) return;
    const snapshot = {
      release: { id: 0, tag: "", sha, author: "", draft: false, prerelease: false, htmlUrl: "", assets: [] },
      checkRuns: [],
    };
    if (!config.ok) {
      for (const effect of configFailure(snapshot, config).effects)
        if (effect.kind === "create-check") await gw.createCheck(sha, effect);
      return;
    }
    const lines = config.config.pipelines.map(
      (p) => `- \`${p.name}\` (tags \`${p.tags}\`): ${p.stages.map((s) => s.name).join(" → ")}`,
    );
    await gw.createCheck(sha, {
      name: CONFIG_CHECK,
      status: "completed",
      conclusion: "success",
      title: "Configuration is valid",
      summary: ["Shipline read `.github/shipline.yml`:", "", ...lines].join("\n"),
    });
  });
}
