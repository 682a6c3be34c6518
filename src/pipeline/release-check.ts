import type { Pipeline } from "../config/types.js";
import type { GateResult } from "../gates/types.js";
import { RELEASE_CHECK } from "./identity.js";
import { upsertCheck } from "./published.js";
import { findCheck } from "./state.js";
import { releasingTitle } from "./summary.js";
import type { Effect, Snapshot } from "./types.js";

/** The paragraph the release's `shipline` check run carries while a stage is held (one at a time). */
const HELD_MARK = "⏸️ **Held";

const withoutHold = (summary: string) =>
  summary
    .split("\n\n")
    .filter((p) => !p.startsWith(HELD_MARK))
    .join("\n\n");

/**
 * The release's `shipline` check run while a stage is held by a closed gate: it stays in progress (GitHub never
 * reopens a completed check run, and a held release goes on by itself once the gate opens), titled with why it
 * waits, e.g. "Held before production: production is locked by @carol: migrating the database.". `after` is the
 * pipeline as the decision leaves it (it may create the release check in the same write).
 */
export function releaseHeld(
  after: Snapshot,
  stage: string,
  closed: readonly GateResult[],
  next: string,
): Effect[] {
  const current = findCheck(after, RELEASE_CHECK);
  if (!current || current.status === "completed") return [];
  const why = closed.map((r) => r.reason).join(" ");
  const title = `Held before ${stage}: ${why}`.slice(0, 200);
  if (current.title === title) return [];
  const base = withoutHold(current.summary ?? "");
  return [
    upsertCheck(after, {
      name: RELEASE_CHECK,
      status: "in_progress",
      title,
      summary: `${base}\n\n${HELD_MARK} before ${stage}:** ${why}\n\n${next}`,
    }),
  ];
}

/** The release's check run once its held stage is dispatched: back to "Releasing", the hold paragraph gone. */
export function releaseUnheld(pipeline: Pipeline, snapshot: Snapshot): Effect[] {
  const current = findCheck(snapshot, RELEASE_CHECK);
  if (!current || current.status === "completed" || !current.title?.startsWith("Held before ")) return [];
  return [
    upsertCheck(snapshot, {
      name: RELEASE_CHECK,
      status: "in_progress",
      title: releasingTitle(pipeline, snapshot.release.tag),
      summary: withoutHold(current.summary ?? ""),
    }),
  ];
}
