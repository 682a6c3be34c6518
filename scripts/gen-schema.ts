// Writes schema/shipline.schema.json from the zod schema, the one source of truth. A test keeps them in sync.
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../src/config/json-schema.js";

writeFileSync(
  new URL("../schema/shipline.schema.json", import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
console.log("wrote schema/shipline.schema.json");
