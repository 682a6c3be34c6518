import { spawn, spawnSync } from "node:child_process";
import { createReadStream, readdirSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The system OpenSSH client, driven with argument arrays (never a local shell). Host keys are always checked
 * against the known_hosts text Shipline was given (StrictHostKeyChecking=yes, the user's and the system's
 * known_hosts files ignored); the private key is written to a 0600 file in a 0700 folder and removed again.
 */
export interface SshAddress {
  host: string;
  port: number;
  user?: string;
}

export interface SshIdentity {
  /** Folder holding `id` (the key), `known_hosts` and the connection sockets; removed by `dispose`. */
  dir: string;
  keyFile: string;
  knownHostsFile: string;
  /**
   * Where the shared connections' sockets live: a short folder of the system's temp folder (a Unix socket path
   * has at most ~104 bytes; RUNNER_TEMP paths are too long); null when even that is too long (no sharing).
   */
  socketDir: string | null;
  dispose(): Promise<void>;
}

/** Writes the key and known_hosts for one run; nothing of the key is ever logged. */
export async function prepareIdentity(
  privateKey: string,
  knownHosts: string,
  base?: string,
): Promise<SshIdentity> {
  const dir = await mkdtemp(join(base ?? tmpdir(), "shipline-ssh-"));
  await chmod(dir, 0o700);
  const keyFile = join(dir, "id");
  const knownHostsFile = join(dir, "known_hosts");
  // Secrets pasted into GitHub often lose the final newline, which OpenSSH needs; CRLF line ends break it too.
  const key = `${privateKey.replace(/\r\n/g, "\n").trim()}\n`;
  await writeFile(keyFile, key, { mode: 0o600 });
  await writeFile(knownHostsFile, `${knownHosts.replace(/\r\n/g, "\n").trim()}\n`, { mode: 0o600 });
  let socketDir: string | null = await mkdtemp(join(tmpdir(), "shl-"));
  await chmod(socketDir, 0o700);
  // ssh appends "/<40 hex>.<16 random>" while it sets the socket up.
  if (socketDir.length + 58 > 100) {
    await rm(socketDir, { recursive: true, force: true });
    socketDir = null;
  }
  const sockets = socketDir;
  return {
    dir,
    keyFile,
    knownHostsFile,
    socketDir,
    dispose: async () => {
      if (sockets) {
        closeMasters(sockets);
        await rm(sockets, { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Ends the shared connections of a run (ssh -O exit on each socket), so no ssh process outlives the job. */
export function closeMasters(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names)
    if (/^[0-9a-f]{40}$/.test(name))
      spawnSync("ssh", ["-o", `ControlPath=${join(dir, name)}`, "-O", "exit", "shipline"], {
        stdio: "ignore",
        timeout: 5_000,
      });
}

/** `[user@]host[:port]` or `[user@][v6]:port`. */
export function parseAddress(text: string, defaults: { port: number; user?: string }): SshAddress {
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an SSH address ([user@]host[:port])`);
  const host = m[2]!.replace(/^\[|\]$/g, "");
  const port = m[3] ? Number(m[3]) : defaults.port;
  if (!(port > 0 && port < 65536)) throw new Error(`"${text}": port ${port} is out of range`);
  if (host.startsWith("-")) throw new Error(`"${text}": a host name cannot start with "-"`);
  const user = m[1] ?? defaults.user;
  if (user?.startsWith("-")) throw new Error(`"${text}": a user name cannot start with "-"`);
  return { host, port, ...(user ? { user } : {}) };
}

export function describeAddress(a: SshAddress): string {
  const host = a.host.includes(":") ? `[${a.host}]` : a.host;
  return `${a.user ? `${a.user}@` : ""}${host}${a.port === 22 ? "" : `:${a.port}`}`;
}

/** One argument for the remote shell: single-quoted, so nothing in it is interpreted there. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `sh -c '<script>' shipline <args...>`: the script is constant text, the values travel as positional arguments. */
export function remoteCommand(script: string, args: readonly string[]): string {
  return ["sh", "-c", shellQuote(script), "shipline", ...args.map(shellQuote)].join(" ");
}

export interface SshRunOptions {
  identity: SshIdentity;
  address: SshAddress;
  connectTimeoutS: number;
  timeoutMs: number;
  /** Names the host in errors (default its address). */
  label?: string;
  /** A local file sent to the remote command's stdin, or text. */
  stdin?: { file: string } | { text: string };
}

export interface SshResult {
  stdout: string;
  stderr: string;
}

export class SshError extends Error {
  constructor(
    message: string,
    /** True when no connection was made (unreachable, refused, host key, authentication): nothing ran there. */
    readonly connection: boolean,
  ) {
    super(message);
    this.name = "SshError";
  }
}

function sshArgs(options: SshRunOptions): string[] {
  const { identity, address } = options;
  return [
    "-i",
    identity.keyFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${identity.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "CheckHostIP=no",
    "-o",
    `ConnectTimeout=${options.connectTimeoutS}`,
    "-o",
    "ServerAliveInterval=15",
    "-o",
    "ServerAliveCountMax=4",
    "-o",
    "LogLevel=ERROR",
    // One connection per host for the whole run: the steps after the first reuse it (no new handshake).
    ...(identity.socketDir
      ? ["-o", "ControlMaster=auto", "-o", `ControlPath=${identity.socketDir}/%C`, "-o", "ControlPersist=60"]
      : ["-o", "ControlMaster=no", "-o", "ControlPath=none"]),
    "-p",
    String(address.port),
    ...(address.user ? ["-l", address.user] : []),
    "--",
    address.host,
  ];
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Explains an OpenSSH failure (exit 255) in terms of what to do. */
function connectionProblem(stderr: string, where: string): string {
  if (
    /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (?:ED25519|RSA|ECDSA)? ?host key is known/i.test(
      stderr,
    )
  )
    return `${where}: the host key does not match the known_hosts Shipline was given (driver.known-hosts / known-hosts-secret); refused, nothing was changed there. If the host was rebuilt, put its new key in known_hosts.`;
  if (/Permission denied/i.test(stderr))
    return `${where}: the host refused the key (Permission denied); add the public key of driver.key-secret to the deploy user's authorized_keys`;
  if (/Connection refused/i.test(stderr))
    return `${where}: connection refused (is sshd running, is the port right?)`;
  if (/timed out/i.test(stderr)) return `${where}: connection timed out`;
  if (/Could not resolve hostname/i.test(stderr)) return `${where}: unknown host name`;
  return `${where}: ssh failed: ${stderr.trim().split("\n").slice(-3).join(" ") || "exit 255"}`;
}

/** Runs one remote command; resolves with its output, rejects with an SshError that says what went wrong. */
export function sshRun(command: string, options: SshRunOptions): Promise<SshResult> {
  const where = options.label ?? describeAddress(options.address);
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", [...sshArgs(options), command], {
      stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: options.identity.dir, LANG: "C" },
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.on("data", (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString();
    });
    child.stderr!.on("data", (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString();
    });
    if (options.stdin && child.stdin) {
      child.stdin.on("error", () => undefined);
      if ("file" in options.stdin) createReadStream(options.stdin.file).pipe(child.stdin);
      else child.stdin.end(options.stdin.text);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        new SshError(
          `${where}: cannot run ssh (${error.message}); install openssh-client on the runner`,
          true,
        ),
      );
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut)
        reject(
          new SshError(
            `${where}: no answer within ${Math.round(options.timeoutMs / 1000)} s (driver.timeout); stopped`,
            false,
          ),
        );
      else if (code === 0) resolve({ stdout, stderr });
      else if (code === 255) reject(new SshError(connectionProblem(stderr, where), true));
      else {
        const text = stderr.trim().split("\n").slice(-5).join("; ");
        reject(new SshError(`${where}: ${text || `the remote command exited with code ${code}`}`, false));
      }
    });
  });
}
