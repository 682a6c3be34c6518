import { describeConclusion } from "./text.js";
import type { GateContext, GateResult } from "./types.js";

/** Named checks (a load test, a security scan) must be green on the release commit. */
export function requiredChecksGate(ctx: GateContext): GateResult {
  const names = ctx.pipeline.gates["required-checks"];
  if (names.length === 0) return { gate: "required-checks", ok: true, reason: "No required checks." };
  const problems: string[] = [];
  for (const name of names) {
    // The newest run of a check wins; the shell lists them newest first.
    const state = ctx.requiredChecks.find((c) => c.name === name);
    if (!state) problems.push(`${name} has not run`);
    else if (state.conclusion !== "success") problems.push(`${name} ${describeConclusion(state.conclusion)}`);
  }
  if (problems.length === 0)
    return { gate: "required-checks", ok: true, reason: `${names.join(", ")} passed on the release commit.` };
  return {
    gate: "required-checks",
    ok: false,
    reason: `Required checks on ${ctx.release.tag}'s commit: ${problems.join("; ")}.`,
    next: `Run or fix ${names.length > 1 ? "them" : "it"} on the release commit, then promote again. A hotfix does not skip required checks.`,
  };
}
