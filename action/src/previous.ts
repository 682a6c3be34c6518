import { previousGoodRelease } from "../../src/pipeline/previous-release.js";
import type { ShiplineGitHub } from "./github.js";

/** The release the environment ran before, by the rule the App uses too (src/pipeline/previous-release.ts). */
export async function previousRelease(
  github: ShiplineGitHub,
  environment: string,
  exclude: readonly string[],
): Promise<string | null> {
  return previousGoodRelease(
    {
      // Every page, as the App reads them: a busy environment's good release can be past the first 100.
      deployments: async (env, page) =>
        (await github.listDeployments(env, page)).map((d) => ({
          id: d.id,
          ref: d.ref,
          createdAt: d.created_at,
        })),
      statuses: (id) => github.listDeploymentStatuses(id),
    },
    environment,
    exclude,
  );
}
