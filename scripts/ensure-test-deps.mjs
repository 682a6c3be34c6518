#!/usr/bin/env node
// Installs the Debian packages the test suite runs for real (Prometheus, Redis, dpkg-deb) when they are missing.
// Runs before `npm test`, so a fresh machine needs nothing installed by hand.
import { execFileSync, spawnSync } from "node:child_process";

const needs = [
  { bin: "prometheus", pkg: "prometheus" },
  { bin: "redis-server", pkg: "redis-server" },
  { bin: "dpkg-deb", pkg: "dpkg" },
  { bin: "zip", pkg: "zip" },
  { bin: "/usr/sbin/sshd", pkg: "openssh-server" },
  { bin: "ssh", pkg: "openssh-client" },
  { bin: "ssh-keygen", pkg: "openssh-client" },
];

const has = (bin) => spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
const missing = needs.filter((n) => !has(n.bin));
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
console.log(`shipline: installing test dependencies: ${pkgs.join(", ")}`);
const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
const run = (args) =>
  execFileSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
try {
  run(["apt-get", "update", "-q"]);
  run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...pkgs]);
} catch (error) {
  console.error(
    `shipline: could not install ${pkgs.join(", ")}: ${error.message}\nInstall them with apt-get and run npm test again.`,
  );
  process.exit(1);
}
// Debian starts the packaged services; the tests start their own on free ports, so stop these.
for (const svc of ["prometheus", "redis-server", "prometheus-node-exporter"])
  spawnSync("sh", ["-c", `service ${svc} stop`], { stdio: "ignore" });
