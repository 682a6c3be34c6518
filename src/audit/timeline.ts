import { decodeInOrder, RECORD_KINDS } from "../records/codec.js";

/** A decoded record, flattened for describing (dates as ISO text). */
interface RawRecord {
  kind: string;
  data: Record<string, string | number | boolean>;
}

function flatRecords(text: string | null | undefined): RawRecord[] {
  return decodeInOrder(RECORD_KINDS, text ?? "")
    .filter((r) => r.kind !== "org-defaults" && r.kind !== "release")
    .map((r) => ({ kind: r.kind, data: JSON.parse(JSON.stringify(r.record)) as RawRecord["data"] }));
}

import type { AuditCheckRun, AuditSource, Timeline, TimelineEntry } from "./types.js";

const STAGE_PREFIX = "shipline / ";
const RELEASE_CHECK = "shipline";
const CONFIG_CHECK = "shipline / config";

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const at = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : undefined;
};
const by = (login: string | undefined) => (login ? `@${login}` : "someone");

/** Only the App that owns the release's `shipline` check run counts: another App cannot forge a stage. */
function shiplineRuns(runs: readonly AuditCheckRun[]): AuditCheckRun[] {
  const named = runs.filter(
    (r) => r.name === RELEASE_CHECK || (r.name.startsWith(STAGE_PREFIX) && r.name !== CONFIG_CHECK),
  );
  const owner = named.filter((r) => r.name === RELEASE_CHECK).sort((a, b) => a.id - b.id)[0]?.appId;
  return owner == null ? named : named.filter((r) => r.appId === owner);
}

function describeRecord(r: RawRecord): {
  text: string;
  actor?: string;
  stage?: string;
  environment?: string;
} {
  const d = r.data;
  const stage = str(d.stage);
  const environment = str(d.environment);
  const extra = { ...(stage ? { stage } : {}), ...(environment ? { environment } : {}) };
  switch (r.kind) {
    case "approval":
      return {
        text: `approved ${str(d.release) ?? ""} for ${stage ?? "?"} by ${by(str(d.login))}`,
        actor: str(d.login) ?? "",
        ...extra,
      };
    case "hotfix":
      return {
        text: `hotfix declared by ${by(str(d.by))}: ${str(d.reason) ?? ""} (bake times skipped)`,
        actor: str(d.by) ?? "",
        ...extra,
      };
    case "command":
      return {
        text: `${str(d.command) ?? "command"} by ${by(str(d.actor))}: ${str(d.outcome) ?? "?"}`,
        actor: str(d.actor) ?? "",
        ...extra,
      };
    case "lock":
      return {
        text: `${environment ?? "environment"} locked by ${by(str(d.owner))}: ${str(d.reason) ?? ""}`,
        actor: str(d.owner) ?? "",
        ...extra,
      };
    case "unlock":
      return {
        text: `${environment ?? "environment"} unlocked by ${by(str(d.by))}`,
        actor: str(d.by) ?? "",
        ...extra,
      };
    case "dispatched":
      return {
        text: `deploy job dispatched${d.run !== undefined ? ` (workflow run ${d.run})` : ""}`,
        ...extra,
      };
    case "rolled-back":
      return { text: `rolled back to ${str(d.to) ?? "the previous release"}`, ...extra };
    case "rollback-failed":
      return { text: `rollback to ${str(d.to) ?? "the previous release"} failed`, ...extra };
    case "pause":
      return { text: `paused by ${by(str(d.by))}`, actor: str(d.by) ?? "", ...extra };
    case "resume":
      return { text: `resumed by ${by(str(d.by))}`, actor: str(d.by) ?? "", ...extra };
    case "held": {
      const gates = Array.isArray(r.data.gates) ? (r.data.gates as unknown[]).join(", ") : str(r.data.gates);
      return {
        text: `held before ${stage ?? "the stage"}: ${gates ?? "a gate"} closed${str(r.data.until) ? `, until ${str(r.data.until)}` : ""}`,
        ...extra,
      };
    }
    case "awaiting-approval":
      return { text: `waiting for approval${environment ? ` to deploy to ${environment}` : ""}`, ...extra };
    case "inconclusive":
      return { text: "verification inconclusive: waiting for a decision", ...extra };
    default: {
      const fields = Object.entries(d)
        .filter(([k]) => k !== "at")
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      return { text: `${r.kind}${fields ? `: ${fields}` : ""}`, ...extra };
    }
  }
}

function checkRunEntries(run: AuditCheckRun): TimelineEntry[] {
  const stage = run.name === RELEASE_CHECK ? undefined : run.name.slice(STAGE_PREFIX.length);
  const source = `check run ${run.name}`;
  const base = { ...(stage ? { stage } : {}), source, ...(run.detailsUrl ? { url: run.detailsUrl } : {}) };
  const out: TimelineEntry[] = [];
  const started = at(run.startedAt);
  const completed = run.status === "completed" ? at(run.completedAt) : undefined;
  // A stage check run's start time is when it was written first (at publish, or at a hold), never when the
  // stage started: its records (dispatched, held) say when things happened, so an unfinished stage adds no
  // state entry of its own ("production queued" at publish time would read as production starting).
  if (completed)
    out.push({
      ...base,
      at: completed,
      kind: stage ? `stage.${run.conclusion ?? "completed"}` : `release.${run.conclusion ?? "completed"}`,
      text: `${stage ?? "release"} ${run.conclusion ?? "completed"}${run.title ? `: ${run.title}` : ""}`,
    });
  else if (run.title && !stage)
    out.push({
      ...base,
      at: started ?? completed ?? "",
      kind: stage ? `stage.${run.status}` : `release.${run.status}`,
      text: `${stage ?? "release"} ${run.status.replace("_", " ")}: ${run.title}`,
    });
  const fallback = completed ?? started ?? "";
  for (const record of flatRecords(run.summary)) {
    const d = describeRecord(record);
    const own = at(record.data.at);
    out.push({
      ...base,
      ...d,
      ...((d.stage ?? stage) ? { stage: d.stage ?? stage } : {}),
      at: own ?? fallback,
      kind: record.kind,
    });
  }
  return out;
}

/**
 * The audit trail of one release rebuilt from GitHub's records alone: the release, Shipline's check runs on
 * its commit (their states and `shipline:` records: approvals, hotfixes, commands, locks, dispatches,
 * rollbacks, pauses) and the deployments of its tag with their statuses. Sorted by time; duplicates (a
 * record copied into a rewritten summary) appear once.
 */
export function buildTimeline(source: AuditSource): Timeline {
  const { release } = source;
  const entries: TimelineEntry[] = [];
  const published = at(release.publishedAt) ?? at(release.createdAt);
  if (published)
    entries.push({
      at: published,
      kind: "release.published",
      actor: release.author,
      text: `${release.tag} published by ${by(release.author)}${release.prerelease ? " (pre-release)" : ""}`,
      source: "release",
      url: release.htmlUrl,
    });
  for (const run of shiplineRuns(source.checkRuns)) entries.push(...checkRunEntries(run));
  for (const d of source.deployments) {
    if (d.ref !== release.tag) continue;
    entries.push({
      at: at(d.createdAt) ?? "",
      kind: "deployment.created",
      environment: d.environment,
      ...(d.creator ? { actor: d.creator } : {}),
      text: `deployment ${d.id} to ${d.environment} created`,
      source: `deployment ${d.id}`,
    });
    for (const s of d.statuses)
      entries.push({
        at: at(s.createdAt) ?? "",
        kind: `deployment.${s.state}`,
        environment: d.environment,
        ...(s.creator ? { actor: s.creator } : {}),
        text: `${d.environment}: ${s.state}${s.description ? `: ${s.description}` : ""}`,
        source: `deployment ${d.id}`,
        ...(s.logUrl ? { url: s.logUrl } : {}),
      });
  }
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    const key = `${e.kind}|${e.stage ?? ""}|${e.text}|${e.kind.includes(".") ? e.at : ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Stable: equal times keep the order they were read in (release, check runs by id, deployments by id).
  const order = unique.map((e, i) => ({ e, i }));
  order.sort((a, b) => (a.e.at || "~").localeCompare(b.e.at || "~") || a.i - b.i);
  return { release, entries: order.map((o) => o.e) };
}
