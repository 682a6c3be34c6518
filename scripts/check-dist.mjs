#!/usr/bin/env node
// Fails when action/dist differs from a fresh build of action/src (the bundle users run must be the source).
import { execFileSync } from "node:child_process";

execFileSync("npm", ["run", "-s", "build:action"], { stdio: "inherit" });
const status = execFileSync("git", ["status", "--porcelain", "--", "action/dist"], { encoding: "utf8" });
if (status.trim()) {
  console.error(
    `action/dist is not a fresh build of action/src:\n${status}\nRun \`npm run build:action\` and commit action/dist.`,
  );
  execFileSync("git", ["--no-pager", "diff", "--stat", "--", "action/dist"], { stdio: "inherit" });
  process.exit(1);
}
console.log("action/dist matches a fresh build");
