import { z } from "zod";
import { Artifacts } from "./artifacts.js";
import { Check } from "./checks.js";
import { Name } from "./common.js";
import { Driver } from "./driver.js";
import { Gates } from "./gates.js";
import { Markers } from "./markers.js";
import { Notify } from "./notify.js";
import { Stage } from "./stage.js";
import { TargetName } from "./targets.js";

/** Fields every pipeline has; at the top level they are also the defaults of `pipelines`. */
export const pipelineFields = {
  workflow: z
    .string()
    .regex(/^[\w.-]+\.ya?ml$/, "expected the file name of a workflow in .github/workflows, e.g. shipline.yml")
    .optional()
    .describe("Deploy workflow Shipline dispatches (default shipline.yml)."),
  tags: z
    .string()
    .min(1)
    .optional()
    .describe('Glob of release tags this pipeline deploys, e.g. "api/v*" (default "*").'),
  artifacts: Artifacts.optional(),
  targets: z
    .record(Name, z.array(TargetName).min(1))
    .optional()
    .describe("Hosts or slots, grouped by region: { eu-west: [web-1, web-2] }."),
  driver: Driver.optional(),
  stages: z.array(Stage).min(1).optional(),
  checks: z.record(Name, Check).optional(),
  gates: Gates.optional(),
  rollback: z
    .strictObject({
      automatic: z
        .boolean()
        .default(true)
        .describe("Roll back a stage automatically when its rollout or verification fails."),
      lock: z.boolean().default(true).describe("Lock the environment after an automatic rollback."),
    })
    .optional(),
  notify: Notify.optional(),
  markers: Markers.optional(),
};

export const PipelineInput = z.strictObject(pipelineFields);
export type PipelineInput = z.infer<typeof PipelineInput>;

export const ConfigFile = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    ...pipelineFields,
    pipelines: z
      .record(Name, PipelineInput)
      .optional()
      .describe(
        "Several services in one repository: one pipeline each, matched by `tags`. Top-level fields are defaults.",
      ),
  })
  .describe("Shipline configuration (.github/shipline.yml)");
export type ConfigFile = z.infer<typeof ConfigFile>;
