#!/usr/bin/env node
// Fails when schema/shipline.schema.json is not what scripts/gen-schema.ts generates from the zod schema.
import { execFileSync } from "node:child_process";

execFileSync("npx", ["tsx", "scripts/gen-schema.ts"], { stdio: "inherit" });
const status = execFileSync("git", ["status", "--porcelain", "--", "schema"], { encoding: "utf8" });
if (status.trim()) {
  console.error("schema/shipline.schema.json is stale: run `npm run schema` and commit it.");
  process.exit(1);
}
