import type { CheckRunState, Effect, Snapshot } from "./types.js";

/**
 * The snapshot as it will be once a decision's check-run writes are done: the gates of the stage a decision
 * dispatches judge the pipeline after the decision (the stage before it has just succeeded), not before.
 */
export function projectChecks(snapshot: Snapshot, effects: readonly Effect[], now: Date): Snapshot {
  let next = -1;
  const checkRuns: CheckRunState[] = snapshot.checkRuns.map((c) => ({ ...c }));
  for (const effect of effects) {
    if (effect.kind !== "create-check" && effect.kind !== "update-check") continue;
    const completedAt = effect.status === "completed" ? now.toISOString() : null;
    const written = {
      name: effect.name,
      status: effect.status,
      conclusion: effect.conclusion ?? null,
      title: effect.title,
      summary: effect.summary,
      completedAt,
    };
    const existing = effect.kind === "update-check" ? checkRuns.find((c) => c.id === effect.id) : undefined;
    if (existing) Object.assign(existing, written);
    else checkRuns.push({ id: Number.MAX_SAFE_INTEGER + next--, startedAt: now.toISOString(), ...written });
  }
  return { ...snapshot, checkRuns };
}
