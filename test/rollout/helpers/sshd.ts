// Real OpenSSH servers on loopback as a fleet of hosts: one `sshd -D -f <config> -p <port>` per host (Debian's
// openssh-server, installed by scripts/ensure-test-deps.mjs), each with its own host key, all accepting one
// temporary client key for the user running the tests.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../tools/e2e/app.js";

const SSHD = ["/usr/sbin/sshd", "/usr/bin/sshd"].find((p) => existsSync(p)) ?? "/usr/sbin/sshd";

export interface SshHost {
  name: string;
  port: number;
  /** `[127.0.0.1]:<port> <type> <key>` (the key it started with first). */
  knownHostsLine: string;
  stop(): Promise<void>;
  /** Starts it again on the same port; `newKey` gives it a fresh host key first (a rebuilt host). */
  start(newKey?: boolean): Promise<void>;
  /** Holds the pid of the listening sshd (a remote hook may stop a host by it). */
  pidFile: string;
}

export interface SshFleet {
  hosts: SshHost[];
  privateKey: string;
  knownHosts: () => string;
  user: string;
  stop(): Promise<void>;
}

/** Resolves once the port answers with an SSH banner (sshd is ready). */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.once("data", (d) => {
        socket.destroy();
        resolve(d.toString().startsWith("SSH-"));
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on ${port} did not answer: ${log()}`);
}

export async function startSshFleet(root: string, names: readonly string[]): Promise<SshFleet> {
  if (!existsSync(SSHD))
    throw new Error("sshd is missing: run node scripts/ensure-test-deps.mjs (openssh-server)");
  // sshd insists on its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const keys = join(root, "client");
  mkdirSync(keys, { recursive: true });
  execFileSync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "shipline-test",
    "-f",
    join(keys, "id"),
  ]);
  writeFileSync(join(keys, "authorized_keys"), readFileSync(join(keys, "id.pub")));
  const user = userInfo().username;
  const hosts: SshHost[] = [];
  for (const name of names) {
    const dir = join(root, `sshd-${name}`);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const hostKey = join(dir, "host_key");
    const pidFile = join(dir, "sshd.pid");
    const config = join(dir, "sshd_config");
    writeFileSync(
      config,
      [
        `ListenAddress 127.0.0.1`,
        `HostKey ${hostKey}`,
        `PidFile ${pidFile}`,
        `AuthorizedKeysFile ${join(keys, "authorized_keys")}`,
        `AllowUsers ${user}`,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "PrintMotd no",
        "UseDNS no",
        "LogLevel ERROR",
        "MaxStartups 100:30:200",
        "MaxSessions 50",
        "",
      ].join("\n"),
    );
    let child: ChildProcess | undefined;
    let output = "";
    const host: SshHost = {
      name,
      port,
      pidFile: join(dir, "pid"),
      knownHostsLine: "",
      async start(newKey = false) {
        if (newKey || !existsSync(hostKey)) {
          rmSync(hostKey, { force: true });
          rmSync(`${hostKey}.pub`, { force: true });
          execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
        }
        if (!host.knownHostsLine) {
          const [type, key] = readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/);
          host.knownHostsLine = `[127.0.0.1]:${port} ${type} ${key}`;
        }
        output = "";
        child = spawn(SSHD, ["-D", "-e", "-f", config, "-p", String(port)], {
          stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr?.on("data", (d: Buffer) => {
          output += d.toString();
        });
        writeFileSync(join(dir, "pid"), String(child.pid));
        await waitForBanner(port, child, () => output);
      },
      async stop() {
        const c = child;
        child = undefined;
        if (!c || c.exitCode !== null) return;
        await new Promise<void>((resolve) => {
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
        });
      },
    };
    await host.start();
    hosts.push(host);
  }
  return {
    hosts,
    user,
    privateKey: readFileSync(join(keys, "id"), "utf8"),
    knownHosts: () => hosts.map((h) => h.knownHostsLine).join("\n"),
    async stop() {
      await Promise.all(hosts.map((h) => h.stop()));
    },
  };
}
