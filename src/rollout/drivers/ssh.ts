import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import { artifactKind } from "../../artifacts/kind.js";
import { parseDuration } from "../../config/duration.js";
import type { SshDriver } from "../../config/schema/driver.js";
import type { Target } from "../plan.js";
import type { ReleaseSource } from "../source.js";
import { type HistoryAnswer, targetDirectory } from "./directory.js";
import {
  agreedRelease,
  HISTORY_HEADER,
  type HistoryEntry,
  historyStack,
  parseHistory,
  previousFromHistory,
  recency,
} from "./history.js";
import { type ReleaseMeta, releaseDirName } from "./release-dir.js";
import { ROLLBACK_SCRIPT } from "./rollback-script.js";
import {
  closeMasters,
  describeAddress,
  parseAddress,
  prepareIdentity,
  remoteCommand,
  type SshAddress,
  type SshIdentity,
  sshRun,
} from "./ssh-client.js";
import { BREAK_LOCK, HOOKS, INSPECT, INSTALL, LOCK, PRUNE, SWITCH, UNLOCK, UPLOAD } from "./ssh-scripts.js";
import type { DeployContext, DeployResult, TargetDriver } from "./types.js";

export interface SshDriverOptions {
  spec: SshDriver;
  source: ReleaseSource;
  /** The release the environment ran before (for SHIPLINE_PREVIOUS_VERSION). */
  previousVersion: string | null;
  /** Where the key and known_hosts secrets are read by name. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Where the key file is written for the run (RUNNER_TEMP); default the system's temp folder. */
  tempDir?: string;
  now?: () => Date;
}

/** What a host holds, read in one round trip. */
export interface HostState {
  current: string | null;
  releases: { name: string; meta: ReleaseMeta }[];
  history: HistoryEntry[];
}

interface Host {
  target: Target;
  /** The target's directory on the host. */
  dir: string;
  address: SshAddress;
  /** "web-1 (deploy@10.0.0.5)", for logs and errors. */
  where: string;
}

export interface SshTargetDriver extends TargetDriver<SshBefore> {
  /** Reads a host's state (current, kept releases, history) without changing anything. */
  inspectTarget(target: Target): Promise<HostState>;
}

/** What `current` pointed at before the run: restored on failure. */
export interface SshBefore {
  current: string | null;
}

export function parseInspect(stdout: string, where: string): HostState {
  const lines = stdout.split("\n");
  if (lines[0] === "SHIPLINE-NODIR") return { current: null, releases: [], history: [] };
  let current: string | null = null;
  const head = lines[0] ?? "";
  if (head === "CURRENT-NOT-LINK")
    throw new Error(
      `${where}: current is not a symlink; Shipline switches releases by replacing that link. Move it away.`,
    );
  if (head.startsWith("CURRENT ")) {
    const link = head.slice("CURRENT ".length);
    const m = /^(?:\.\/)?releases\/([^/]+)\/?$/.exec(link);
    if (!m)
      throw new Error(`${where}: current points at ${link}, outside releases/; Shipline does not manage it.`);
    current = m[1]!;
  } else if (head !== "CURRENT-NONE")
    throw new Error(`${where}: unexpected answer from the host: ${head.slice(0, 200)}`);
  const releases: HostState["releases"] = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== "HISTORY"; i++) {
    const m = /^META (\S+) (.*)$/.exec(lines[i] ?? "");
    if (!m) continue;
    try {
      const meta = JSON.parse(m[2]!) as Partial<ReleaseMeta>;
      if (typeof meta.version === "string" && typeof meta.installedAt === "string")
        releases.push({ name: m[1]!, meta: meta as ReleaseMeta });
    } catch {
      // an unreadable .shipline.json: not a complete release
    }
  }
  const history = parseHistory(lines.slice(i + 1).join("\n")).entries;
  return { current, releases, history };
}

/** Which releases to remove: all but the `keep` most recently current by the history (then by install time). */
export function releasesToPrune(
  state: HostState,
  keep: number,
  protect: readonly (string | null)[],
): string[] {
  const rank = recency(state.history);
  const order = [...state.releases].sort(
    (a, b) =>
      (rank.get(b.name) ?? -1) - (rank.get(a.name) ?? -1) ||
      b.meta.installedAt.localeCompare(a.meta.installedAt),
  );
  return order
    .slice(keep)
    .map((r) => r.name)
    .filter((n) => !protect.includes(n));
}

/**
 * The directory driver's job on remote hosts, over the system's OpenSSH client: copies the verified artifacts to
 * each host, checks their sha256 there, unpacks into <path>/releases/<version>/, switches <path>/current
 * atomically, runs the restart command and the health check, keeps `keep` releases, appends to the host's deploy
 * history and rewrites its shipline-rollback program. A release the host still keeps is switched to without any
 * download. Restore switches current back to what it was (and runs the restart command again).
 */
export function sshDriver(options: SshDriverOptions): SshTargetDriver {
  const { spec } = options;
  const now = options.now ?? (() => new Date());
  const stepMs = parseDuration(spec.timeout) ?? 10 * 60_000;
  const keyName = spec["key-secret"];
  let identity: Promise<SshIdentity> | undefined;
  const states = new Map<string, HostState>();

  const getIdentity = () => {
    identity ??= (async () => {
      const key = options.env[keyName];
      if (!key)
        throw new Error(
          `the ssh driver needs the private key in ${keyName}: add \`env: { ${keyName}: \${{ secrets.${keyName} }} }\` to the Shipline step`,
        );
      const fromSecret = spec["known-hosts-secret"] ? options.env[spec["known-hosts-secret"]] : undefined;
      if (spec["known-hosts-secret"] && !fromSecret)
        throw new Error(
          `driver.known-hosts-secret names ${spec["known-hosts-secret"]}, which is not set: add it to the step's env from secrets`,
        );
      const knownHosts = [spec["known-hosts"], fromSecret].filter(Boolean).join("\n");
      if (!knownHosts.trim())
        throw new Error(
          "the ssh driver verifies every host key: set driver.known-hosts (known_hosts lines) or driver.known-hosts-secret",
        );
      const made = await prepareIdentity(key, knownHosts, options.tempDir);
      process.once("exit", () => {
        if (made.socketDir) {
          closeMasters(made.socketDir);
          rmSync(made.socketDir, { recursive: true, force: true });
        }
        rmSync(made.dir, { recursive: true, force: true });
      });
      return made;
    })();
    return identity;
  };

  const one = (targets: readonly Target[]): Host => {
    const [target] = targets;
    if (!target || targets.length !== 1) throw new Error("the ssh driver deploys one target at a time");
    const dir = targetDirectory(spec.path, target, "/");
    const text =
      spec.hosts?.[target.name] ??
      spec.host.replaceAll("{target}", target.name).replaceAll("{region}", target.region);
    const address: SshAddress = parseAddress(text, {
      port: spec.port,
      ...(spec.user ? { user: spec.user } : {}),
    });
    return { target, dir, address, where: `${target.name} (${describeAddress(address)})` };
  };

  const run = async (
    { address, where }: Host,
    script: string,
    args: readonly string[],
    stdin?: { file: string } | { text: string },
  ) =>
    sshRun(remoteCommand(script, args), {
      identity: await getIdentity(),
      address,
      label: where,
      connectTimeoutS: spec["connect-timeout"],
      timeoutMs: stepMs,
      ...(stdin ? { stdin } : {}),
    });

  const inspect = async (host: Host) =>
    parseInspect((await run(host, INSPECT, [host.dir])).stdout, host.where);

  const switchTo = async (
    host: Host,
    name: string | null,
    event: "deploy" | "rollback" | "restore",
    previous: string | null,
  ) =>
    run(host, SWITCH, [host.dir, name ?? "-", event, previous ?? "-", now().toISOString(), HISTORY_HEADER], {
      text: ROLLBACK_SCRIPT,
    });

  const hooks = async (
    host: Host,
    context: DeployContext,
    version: string,
    previous: string,
    withHealth: boolean,
  ) => {
    const { target, dir, where } = host;
    if (!spec.restart && !(withHealth && spec.health)) return;
    const out = await run(host, HOOKS, [
      dir,
      version,
      previous,
      context.stage,
      context.environment,
      target.name,
      target.region,
      context.mode,
      spec.restart ?? "",
      withHealth ? (spec.health ?? "") : "",
      String(spec["health-retries"]),
      String(spec["health-interval"]),
    ]);
    for (const line of `${out.stdout}${out.stderr}`.split("\n"))
      if (line.trim()) options.log(`[${where}] ${line}`);
  };

  // The owner line of the target's lock: this runner's process, so a stale lock is recognised here (same runner,
  // process gone) and a person's shipline-rollback on the host is refused while the deploy runs.
  const owner = `ssh ${process.pid} ${hostname()} ${now().toISOString()}`;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  };

  /** Runs `work` holding the target's lock; a lock held by another writer refuses the target, changing nothing. */
  const locked = async <T>(host: Host, work: () => Promise<T>): Promise<T> => {
    const take = async () => {
      try {
        await run(host, LOCK, [host.dir, owner]);
        return null;
      } catch (error) {
        const m = /LOCKED ?(.*)/.exec(error instanceof Error ? error.message : "");
        if (!m) throw error;
        return m[1]?.trim() ?? "";
      }
    };
    let held = await take();
    if (held !== null) {
      const [by, pid, where] = held.split(" ");
      if ((by === "ssh" || by === "action") && where === hostname() && pid && !alive(Number(pid))) {
        options.log(`[${host.where}] taking over the lock left by ${held} (that process is gone)`);
        await run(host, BREAK_LOCK, [host.dir, held]);
        held = await take();
      }
    }
    if (held !== null)
      throw new Error(
        `${host.where}: another Shipline deploy or rollback is switching ${host.dir} (${held || "owner unknown"}); nothing was changed there. If none is running, remove ${host.dir}/.shipline-lock on the host`,
      );
    try {
      return await work();
    } finally {
      await run(host, UNLOCK, [host.dir, owner]).catch(() => undefined);
    }
  };

  return {
    kind: "ssh",
    perBatch: false,
    inspectTarget: (target) => inspect(one([target])),
    async before(targets) {
      const host = one(targets);
      const state = await inspect(host);
      states.set(host.target.name, state);
      return { current: state.current };
    },
    async deploy(targets, context): Promise<DeployResult> {
      const host = one(targets);
      const { target, dir, where } = host;
      const version = options.source.version;
      const name = releaseDirName(version);
      const state = states.get(target.name) ?? (await inspect(host));
      states.delete(target.name);
      const kept = state.releases.find((r) => r.name === name);
      if (state.current === name && kept?.meta.version === version)
        return { changed: false, detail: `${where}: ${dir} already runs ${version}` };
      return locked(host, async () => {
        let how = "switched to the kept release (no download)";
        const releases = [...state.releases];
        if (kept?.meta.version !== version) {
          const verified = await options.source.artifacts();
          // The same archives were unpacked here under the safe-extraction rules first: an archive they refuse
          // never reaches a host.
          await options.source.tree();
          const incoming = `.incoming-${randomBytes(6).toString("hex")}`;
          for (const file of verified.files)
            await run(host, UPLOAD, [dir, incoming, file.name], { file: file.path });
          const meta: ReleaseMeta = {
            version,
            digest: verified.digest,
            installedAt: now().toISOString(),
            assets: verified.files.map((f) => f.name),
          };
          await run(host, INSTALL, [
            dir,
            incoming,
            name,
            JSON.stringify(meta),
            ...verified.files.flatMap((f) => [f.sha256, f.name, artifactKind(f.name)]),
          ]);
          releases.push({ name, meta });
          how = `copied ${verified.files.length} artifact${verified.files.length === 1 ? "" : "s"}, sha256 checked on the host, installed`;
        }
        const event = context.mode === "rollback" ? "rollback" : "deploy";
        await switchTo(host, name, event, state.current);
        await hooks(host, context, version, options.previousVersion ?? "", true);
        const history: HistoryEntry[] = [
          ...state.history,
          { time: now().toISOString(), event, release: name, previous: state.current, by: "ssh" },
        ];
        // Never the current release, nor the one a rollback (shipline-rollback on the host) would go back to.
        const back = previousFromHistory(historyStack(history), name);
        const pruned = releasesToPrune({ current: name, releases, history }, spec.keep, [
          name,
          state.current,
          back.ok ? back.release : null,
        ]);
        if (pruned.length) await run(host, PRUNE, [dir, ...pruned]);
        return {
          changed: true,
          detail: `${where}: ${how} ${version} (was ${state.current ?? "nothing"})${pruned.length ? `; pruned ${pruned.join(", ")}` : ""}`,
        };
      });
    },
    async restore(targets, before, context): Promise<string> {
      const host = one(targets);
      const { where } = host;
      const state = await inspect(host);
      // A deploy that failed before it switched anything (refused by the lock, a damaged copy): nothing to undo.
      if (state.current === before.current)
        return `${where}: current is still ${before.current ?? "unset"}; nothing to restore`;
      return locked(host, async () => {
        if (before.current !== null && !state.releases.some((r) => r.name === before.current))
          throw new Error(
            `${where}: the previous release ${before.current} is no longer kept; cannot switch back`,
          );
        await switchTo(host, before.current, "restore", state.current);
        if (before.current !== null)
          await hooks(host, { ...context, mode: "rollback" }, before.current, options.source.version, false);
        return before.current === null
          ? `${where}: removed current (there was none before)`
          : `${where}: current -> ${before.current}`;
      });
    },
  };
}

/**
 * What the hosts' own deploy histories say was current before `from`, when every host runs `from` and their
 * histories agree: the directory driver's rule (previousByHistory), read over SSH. A rollback done on the hosts
 * with shipline-rollback while GitHub was down is then not undone.
 */
export async function previousByHostHistory(
  options: Omit<SshDriverOptions, "source" | "previousVersion">,
  targets: readonly Target[],
  from: string,
): Promise<HistoryAnswer> {
  const unavailable = () => Promise.reject(new Error("reading histories downloads nothing"));
  const driver = sshDriver({
    ...options,
    source: { version: from, artifacts: unavailable, tree: unavailable },
    previousVersion: null,
  });
  const answers = new Map<string, string[]>();
  for (const target of targets) {
    let state: HostState;
    try {
      state = await driver.inspectTarget(target);
    } catch (error) {
      return { ok: false, why: error instanceof Error ? error.message : String(error) };
    }
    const running = state.releases.find((r) => r.name === state.current)?.meta.version;
    if (state.current === null || running !== from)
      return { ok: false, why: `${target.name} runs ${running ?? "nothing"}, not ${from}` };
    const choice = previousFromHistory(historyStack(state.history), state.current);
    if (!choice.ok) return { ok: false, why: `${target.name}: ${choice.error}` };
    const version = state.releases.find((r) => r.name === choice.release)?.meta.version ?? choice.release;
    answers.set(version, [...(answers.get(version) ?? []), target.name]);
  }
  return agreedRelease(answers, "hosts");
}
