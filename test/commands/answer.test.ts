import { describe, expect, it } from "vitest";
import { finalAnswer, lockAnswer, setupAnswer } from "../../src/commands/answer.js";
import type { CommandDecision } from "../../src/commands/decide.js";

const deploy = { name: "deploy", tag: "v9.9.9" } as const;

describe("the replies the core words for what the shell found", () => {
  it("refuses a release that does not exist, a missing or invalid config, and a tag no pipeline takes", () => {
    const base = { actor: "bob", command: deploy, pipelineFound: true } as const;
    expect(setupAnswer({ ...base, tag: "v9.9.9", config: { kind: "ok" } })?.body).toContain(
      "There is no release `v9.9.9` in this repository.",
    );
    const release = { tag: "v9.9.9" };
    expect(setupAnswer({ ...base, release, config: { kind: "missing" } })?.body).toContain(
      "This repository has no `.github/shipline.yml` at v9.9.9.",
    );
    expect(setupAnswer({ ...base, release, config: { kind: "invalid", problems: 2 } })?.body).toContain(
      "`.github/shipline.yml` at v9.9.9 is invalid (2 problem(s)); see the `shipline / config` check run.",
    );
    expect(setupAnswer({ ...base, release, config: { kind: "ok" }, pipelineFound: false })?.body).toContain(
      "`v9.9.9` matches no pipeline's `tags` in `.github/shipline.yml`.",
    );
    expect(setupAnswer({ ...base, release, config: { kind: "ok" } })).toBeUndefined();
  });

  it("answers /help without a config with how to start", () => {
    const answer = setupAnswer({
      actor: "bob",
      command: { name: "help" },
      config: { kind: "missing" },
      pipelineFound: false,
    });
    expect(answer?.outcome).toBe("done");
    expect(answer?.body).toContain("Shipline is not configured in this repository yet");
  });

  it("says who won a lock race, and that an environment was not locked", () => {
    const lock = { name: "lock", environment: "production" } as const;
    const decision: CommandDecision = {
      effects: [],
      reply: "Locked `production` until `/unlock`: only @bob may deploy to it.",
      outcome: "done",
      lock: {
        kind: "create",
        lock: { environment: "production", owner: "bob", reason: "", at: new Date(0) },
      },
    };
    const lost = lockAnswer("bob", lock, decision, { kind: "lost", owner: "carol" });
    expect(lost.outcome).toBe("refused");
    expect(lost.body).toContain("`production` was locked first by @carol.");
    expect(lockAnswer("bob", lock, decision, { kind: "created" }).body).toContain(decision.reply);
    const unlock = { name: "unlock", environment: "production" } as const;
    const removal: CommandDecision = {
      effects: [],
      reply: "Unlocked `production`.",
      outcome: "done",
      lock: { kind: "remove", environment: "production" },
    };
    expect(lockAnswer("bob", unlock, removal, { kind: "not-locked" }).body).toContain(
      "`production` was not locked.",
    );
  });

  it("reports a dispatch whose check run failed as failed, with the check run's title and link", () => {
    const decision: CommandDecision = {
      effects: [
        {
          kind: "dispatch",
          claim: "refs/shipline/x",
          workflow: "deploy.yml",
          ref: "v9.9.9",
          inputs: {
            release: "v9.9.9",
            stage: "staging",
            mode: "rollout",
            pipeline: "default",
            environment: "staging",
          },
          check: { name: "shipline / staging", summary: "" },
        },
      ],
      reply: "Dispatching v9.9.9 to staging (environment `staging`).",
      outcome: "accepted",
      stage: "staging",
      environment: "staging",
    };
    const answer = finalAnswer({
      actor: "bob",
      command: deploy,
      decision,
      repoUrl: "https://github.com/o/r",
      stageCheck: {
        id: 7,
        name: "shipline / staging",
        status: "completed",
        conclusion: "failure",
        title: "Could not start the deploy workflow",
      },
    });
    expect(answer.outcome).toBe("failed");
    expect(answer.body).toContain("Could not start the deploy workflow: see the check run.");
    expect(answer.body).toContain("[Check run](https://github.com/o/r/runs/7)");
    expect(answer.body).not.toContain("[Deployment]");
  });
});
