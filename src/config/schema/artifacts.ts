import { z } from "zod";
import { Duration } from "./common.js";
import { Provenance } from "./provenance.js";

export const Artifacts = z
  .strictObject({
    assets: z
      .array(z.string().min(1))
      .min(1)
      .default(["*.tar.gz"])
      .describe(
        'Glob patterns of the release assets to deploy, e.g. ["app-*.tar.gz"]. Each must match at least one asset.',
      ),
    checksums: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Name of a release asset in sha256sum format (e.g. SHA256SUMS). When set it must be attached, uploaded by CI like the assets, and list every deployed asset; an asset it does not list is refused even when GitHub has a digest.",
      ),
    digests: z
      .boolean()
      .default(true)
      .describe(
        "Check GitHub's own asset digests (sha256) too; without artifacts.checksums they are what covers each asset.",
      ),
    uploaders: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Logins allowed to have uploaded the assets and the checksum file, besides GitHub Apps and bots (CI). Empty: only bots/Apps. An asset with no named uploader is refused.",
      ),
    "max-size": z
      .number()
      .int()
      .positive()
      .default(4 * 1024 ** 3)
      .describe("Upper bound in bytes on an asset and on its extracted contents (default 4 GiB)."),
    provenance: Provenance.optional().describe(
      "Require GitHub artifact attestations (actions/attest-build-provenance) on every deployed asset and the checksum file, verified offline as Sigstore bundles.",
    ),
    "stall-timeout": Duration.default("60s").describe(
      "Longest an asset download may receive no data before it is abandoned and the deploy refused (default 60s).",
    ),
  })
  .describe("Which release assets are deployed and how they are verified.");
export type Artifacts = z.infer<typeof Artifacts>;
