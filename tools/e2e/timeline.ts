// A readable timeline of what happened on the stand-in: webhooks GitHub delivered and the writes the App and the
// Action made, each stamped when the stand-in recorded it.
import type { Delivery, Standin } from "../standin/index.js";

export interface Timestamps {
  deliveries: WeakMap<object, Date>;
  requests: WeakMap<object, Date>;
}

/** Stamps every delivery and request the stand-in records from now on (it keeps no times itself). */
export function stampTimes(standin: Standin): Timestamps {
  const times: Timestamps = { deliveries: new WeakMap(), requests: new WeakMap() };
  const stamp = <T extends object>(list: T[], into: WeakMap<object, Date>) => {
    const push = list.push.bind(list);
    list.push = (...items: T[]) => {
      const at = new Date();
      for (const item of items) into.set(item, at);
      return push(...items);
    };
  };
  stamp(standin.deliveries, times.deliveries);
  stamp(standin.requests, times.requests);
  return times;
}

export interface TimelineEntry {
  at: Date;
  event: string;
  detail: string;
}

const hhmmss = (d: Date) => d.toTimeString().slice(0, 8);

/** A string at a path of a webhook payload ("" when absent). */
function at(payload: unknown, ...path: string[]): string {
  let value: unknown = payload;
  for (const key of path)
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function describeDelivery(d: Delivery): string {
  const p = d.payload;
  const title = at(p, "workflow_run", "display_title");
  switch (d.event) {
    case "release":
      return `${at(p, "release", "tag_name")} ${d.action ?? ""}`.trim();
    case "deployment":
      return `${title || at(p, "deployment", "ref")} -> ${at(p, "deployment", "environment")}`;
    case "deployment_status":
      return `${at(p, "deployment_status", "state")}: ${title}`;
    case "deployment_protection_rule":
      return `${at(p, "environment")} asks Shipline to review ${at(p, "deployment", "ref")}`;
    case "issue_comment":
      return `${at(p, "comment", "user", "login")}: ${at(p, "comment", "body").split("\n")[0]}`;
    default:
      return d.action ?? "";
  }
}

/**
 * Webhook deliveries plus the effects that matter to a user: dispatches, protection reviews and check run writes
 * (from the stand-in's state, interleaved by time). `since` drops what came before.
 */
export function timeline(standin: Standin, times: Timestamps, since = new Date(0)): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const d of standin.deliveries) {
    const at = times.deliveries.get(d);
    if (!at || at < since) continue;
    entries.push({
      at,
      event: `webhook ${d.event}${d.action ? `.${d.action}` : ""}`,
      detail: `${describeDelivery(d)}${d.status && d.status >= 300 ? ` (App answered ${d.status})` : ""}`,
    });
  }
  for (const r of standin.requests) {
    const at = times.requests.get(r);
    if (!at || at < since) continue;
    const what = interesting(r.method, r.path);
    if (what)
      entries.push({
        at,
        event: what,
        detail: `${r.method} ${r.path.replace(/^\/api\/v3/, "")} -> ${r.status}`,
      });
  }
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function interesting(method: string, path: string): string | undefined {
  if (method === "GET") return undefined;
  if (path.includes("/dispatches")) return "dispatch";
  if (path.includes("/deployment_protection_rule")) return "protection review";
  if (/\/check-runs(\/\d+)?$/.test(path))
    return method === "POST" ? "check run created" : "check run updated";
  if (path.includes("/git/refs")) return "claim ref";
  if (path.includes("/comments")) return "comment";
  return undefined;
}

export function formatTimeline(entries: readonly TimelineEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.event.length));
  return entries.map((e) => `${hhmmss(e.at)}  ${e.event.padEnd(width)}  ${e.detail}`).join("\n");
}
