import { z } from "zod";

/** `artifacts.provenance`: which workflow of this repository must have built (and attested) every deployed asset. */
export const Provenance = z
  .strictObject({
    workflow: z
      .string()
      .regex(
        /^\.github\/workflows\/[^/\s@]+\.ya?ml$/,
        "expected the path of a workflow file in this repository, e.g. .github/workflows/release.yml",
      )
      .describe(
        "The workflow file that builds the release assets and attests them (actions/attest-build-provenance), e.g. .github/workflows/release.yml. An attestation made by any other workflow is refused.",
      ),
    mode: z
      .enum(["required", "optional"])
      .default("required")
      .describe(
        "required (default): an asset without a valid attestation from that workflow at the release's commit is refused and nothing is deployed. optional: the same check, but every finding is a warning in the log and the check run, and the asset is deployed (for adopting attestations).",
      ),
    "trusted-root": z
      .string()
      .min(1)
      .optional()
      .describe(
        "Path, in the repository at the release's tag, of an extra Sigstore trusted_root.json to verify attestations against (e.g. GitHub's own root, which attestations of private repositories chain to). The Sigstore public-good root is built in.",
      ),
  })
  .describe("Build provenance: only what the named workflow built at the release's commit is deployed.");
export type Provenance = z.infer<typeof Provenance>;
