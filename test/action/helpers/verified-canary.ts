// A bundle world (world.ts) whose one stage, canary, is verified by an `errors` http check (errorRate at most
// 0.05) against a JSON endpoint answering what the test sets: release v2 on two targets, deployed by `true`.
import { type JsonEndpoint, startJsonEndpoint } from "../../support/json-endpoint.js";
import type { BundleRun } from "./bundle.js";
import { type BundleWorld, startBundleWorld } from "./world.js";

export interface VerifiedCanary {
  world: BundleWorld;
  /** Runs the bundle: v2 to canary, with `inputs` added. */
  deploy(inputs?: Record<string, string>): Promise<BundleRun>;
  stop(): Promise<void>;
}

/** `stage` is canary's YAML fields after `name: canary, verify: [errors]` (e.g. a bake time); `body` the metric. */
export async function startVerifiedCanary(options: {
  name: string;
  stage?: string;
  body: () => unknown;
}): Promise<VerifiedCanary> {
  const metrics: JsonEndpoint = await startJsonEndpoint(options.body);
  const world = await startBundleWorld({
    name: options.name,
    config: () => `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1, web-2] }
driver: { type: command, run: "true" }
stages: [{ name: canary, verify: [errors]${options.stage ? `, ${options.stage}` : ""} }]
checks:
  errors: { http: { url: "${metrics.url}/stats", path: errorRate }, max: 0.05 }
`,
    releases: ["v2"],
  });
  return {
    world,
    deploy: (inputs = {}) => world.run({ release: "v2", stage: "canary", ...inputs }),
    async stop() {
      await world.stop();
      await metrics.close();
    },
  };
}
