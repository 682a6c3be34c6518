import { z } from "zod";
import { ConfigFile } from "./schema/pipeline.js";

/** The JSON Schema editors use for completion of .github/shipline.yml, generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFile, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return { ...schema, title: "Shipline configuration" };
}
