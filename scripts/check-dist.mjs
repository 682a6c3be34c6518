#!/usr/bin/env node
// Fails when action/dist differs from a fresh build of its sources: the Action bundle (action/dist/index.js, from
// action/src) and the single-file CLI (action/dist/shipline.mjs, from src/cli). What users run must be the source.
import { execFileSync } from "node:child_process";

execFileSync("npm", ["run", "-s", "build:action"], { stdio: "inherit" });
execFileSync("npm", ["run", "-s", "build:cli"], { stdio: "inherit" });
const status = execFileSync("git", ["status", "--porcelain", "--", "action/dist"], { encoding: "utf8" });
if (status.trim()) {
  console.error(
    `action/dist is not a fresh build of action/src and src/cli:\n${status}\nRun \`npm run build:action && npm run build:cli\` and commit action/dist.`,
  );
  execFileSync("git", ["--no-pager", "diff", "--stat", "--", "action/dist"], { stdio: "inherit" });
  process.exit(1);
}
console.log("action/dist (the Action and the shipline CLI) matches a fresh build");
