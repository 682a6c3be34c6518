// What the App handler tests share: a real Probot running Shipline's handlers, wired to the in-memory GitHub of
// fake-conversation.ts with one release seeded (its config at the tag, the tag's commit, who may do what), and
// the events a test delivers to it. The scenario's data (tag, commit, config, permissions, clock) stays in the test.
import nock from "nock";
import type { Probot } from "probot";
import type { AppDeps } from "../../src/app/deps.js";
import { deliver, tickPayload } from "./deliver.js";
import {
  commentPayload,
  type FakeConversation,
  fakeConversation,
  releasePublishedPayload,
  seedRelease,
  stageStatusPayload,
} from "./fake-conversation.js";
import { API } from "./fake-github.js";
import { testProbot } from "./probot.js";

export interface ReleaseScenarioOptions {
  tag: string;
  sha: string;
  config: string;
  owner?: string;
  repo?: string;
  /** Who published the release (default alice). */
  author?: string;
  /** login -> repository role (read, triage, write, maintain, admin). */
  permissions?: Record<string, string>;
  /** Deps the App runs with (e.g. `now` for a moved clock); kept for `restart()`. */
  deps?: Partial<AppDeps>;
  /** Every deploy job's annotations read answers none (its verdict reported nothing about verification). */
  noAnnotations?: boolean;
}

export interface ReleaseScenario {
  readonly gh: FakeConversation;
  /** The App now running (a new one after `restart()`). */
  readonly probot: Probot;
  readonly owner: string;
  readonly repo: string;
  readonly tag: string;
  readonly sha: string;
  /** Delivers any event, with a fresh delivery id unless `id` is given (a redelivery reuses one). */
  send(name: string, payload: object, id?: string): Promise<void>;
  /** release.published for the seeded release, by its author. */
  publish(): Promise<void>;
  /** deployment_status of `stage`'s rollout job (the run the fake dispatched for it). */
  stageStatus(stage: string, state: string, environment: string): Promise<void>;
  /** issue_comment.created by `login`. */
  comment(body: string, login: string, id?: string): Promise<void>;
  /** The tick workflow's completed run: the clock's wake-up. */
  tick(): Promise<void>;
  /** A restarted App: a fresh Probot with fresh deps, reading everything back from GitHub. */
  restart(): void;
  /** The REST requests `run` sends to GitHub (the fake's record of them, in order). */
  requestsOf(run: () => Promise<void>): Promise<FakeConversation["calls"]>;
}

export function releaseScenario(options: ReleaseScenarioOptions): ReleaseScenario {
  const { tag, sha, config, owner = "Codertocat", repo = "Hello-World", author = "alice" } = options;
  const gh = fakeConversation(owner, repo);
  seedRelease(gh, { owner, repo, tag, sha, config, author, permissions: options.permissions });
  if (options.noAnnotations)
    nock(API)
      .persist()
      .get(/\/check-runs\/\d+\/annotations$/)
      .query(true)
      .reply(200, []);
  let probot = testProbot(options.deps);
  const send = (name: string, payload: object, id?: string) => deliver(probot, name, payload, id);
  return {
    gh,
    get probot() {
      return probot;
    },
    owner,
    repo,
    tag,
    sha,
    send,
    requestsOf: async (run) => {
      const from = gh.calls.length;
      await run();
      return gh.calls.slice(from);
    },
    publish: () => send("release", releasePublishedPayload(tag, author, owner, repo)),
    stageStatus: (stage, state, environment) =>
      send("deployment_status", stageStatusPayload(tag, sha, stage, state, environment, owner, repo)),
    comment: (body, login, id) => send("issue_comment", commentPayload(body, login), id),
    tick: () => send("workflow_run", tickPayload(tag)),
    restart() {
      probot = testProbot(options.deps);
    },
  };
}
