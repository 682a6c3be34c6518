// The in-process clock of `npm start`: rebuilt from GitHub's records on every sweep (the App's installations, their
// repositories, each one's waiting stages), so a restart loses nothing, and two replicas' timers dispatch once.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { failureText } from "../../../src/app/clock/failure-text.js";
import {
  CLOCK_REQUESTS_PER_HOUR,
  type ClockSource,
  installationGapMs,
  type Pacing,
  probotSource,
  sweep,
} from "../../../src/app/clock/sweep.js";
import { clockIntervalFrom, startClock, type Timers } from "../../../src/app/clock/timer.js";
import type { AppDeps } from "../../../src/app/deps.js";
import { fakeConversation, releasePublishedPayload, seedRelease } from "../../support/fake-conversation.js";
import { API } from "../../support/fake-github.js";
import { APP_ID, testProbot } from "../../support/probot.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const config = `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
stages:
  - { name: staging, approvals: 0 }
  - { name: production, approvals: 0 }
gates: { windows: { timezone: UTC, allow: ["Mon-Sun 22:00-23:59"] } }
`;

function captureLog() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => void lines.push(`info ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
  };
}

describe("SHIPLINE_CLOCK_INTERVAL", () => {
  it("is one minute unset, seconds or a duration when set, and off at 0", () => {
    expect(clockIntervalFrom(undefined)).toEqual({ ok: true, ms: 60_000 });
    expect(clockIntervalFrom("")).toEqual({ ok: true, ms: 60_000 });
    expect(clockIntervalFrom("0")).toEqual({ ok: true, ms: 0 });
    expect(clockIntervalFrom("90")).toEqual({ ok: true, ms: 90_000 });
    expect(clockIntervalFrom("5m")).toEqual({ ok: true, ms: 300_000 });
  });

  it("refuses what it cannot read, or a period that would spend the request budget, saying what to write", () => {
    expect(clockIntervalFrom("every minute")).toEqual({
      ok: false,
      error:
        'SHIPLINE_CLOCK_INTERVAL="every minute" is not a period: write seconds ("60"), a duration ("90s", "5m"), or 0 to turn the in-process timer off',
    });
    const short = clockIntervalFrom("2s");
    expect(short.ok).toBe(false);
    expect(!short.ok && short.error).toContain("shorter than 10 s");
  });
});

describe("what the clock logs of a failure", () => {
  it("is the status and the first line of the message, never a token", () => {
    const nockish = new Error('Nock: No match for request {\n  "authorization": "token ghs_SECRET123"\n}');
    expect(failureText(nockish)).toBe("Nock: No match for request {");
    const inline = Object.assign(new Error("Bad credentials for ghs_abc123 and github_pat_XYZ_9"), {
      status: 401,
    });
    expect(failureText(inline)).toBe("401 Bad credentials for ghs_… and github_pat_…");
  });
});

describe("the timer", () => {
  /** Timers fired by hand: what is scheduled, and for how long. */
  function manualTimers() {
    const pending: { run: () => void; ms: number }[] = [];
    const timers: Timers = {
      set: (run, ms) => pending.push({ run, ms }),
      clear: () => void pending.splice(0),
    };
    return { timers, pending };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it("sweeps at start-up, then one interval after each sweep ended, never two at once; stop waits for a sweep", async () => {
    const { timers, pending } = manualTimers();
    let sweeps = 0;
    let finish: () => void = () => {};
    const clock = startClock({
      intervalMs: 60_000,
      log: captureLog(),
      timers,
      sweep: () => {
        sweeps++;
        return new Promise<void>((done) => {
          finish = done;
        });
      },
    });
    expect(sweeps).toBe(1);
    // While the first sweep runs, nothing else is scheduled.
    await settle();
    expect(pending).toEqual([]);
    finish();
    await settle();
    expect(pending.map((p) => p.ms)).toEqual([60_000]);
    pending.shift()!.run();
    expect(sweeps).toBe(2);
    const stopped = clock.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    finish();
    await stopped;
    expect(pending).toEqual([]);
  });

  it("a failing sweep is logged and the next one still comes", async () => {
    const { timers, pending } = manualTimers();
    const log = captureLog();
    const clock = startClock({
      intervalMs: 30_000,
      log,
      timers,
      sweep: async () => Promise.reject(new Error("502")),
    });
    await settle();
    await settle();
    expect(log.lines).toContain("error clock: sweep failed: 502");
    expect(pending.map((p) => p.ms)).toEqual([30_000]);
    await clock.stop();
  });
});

describe("a sweep", () => {
  function world() {
    const gh = fakeConversation(OWNER, REPO);
    seedRelease(gh, { owner: OWNER, repo: REPO, tag: TAG, sha: "b".repeat(40), config });
    let now = new Date("2026-12-01T14:00:00Z");
    const probot = testProbot({ now: () => now });
    const deps: AppDeps = {
      now: () => now,
      fetch: globalThis.fetch,
      env: { APP_ID: String(APP_ID) },
      dispatchLookupsMs: [20],
    };
    const at = (iso: string) => {
      now = new Date(iso);
    };
    return { gh, probot, deps, at };
  }

  /** The App's installations and repositories as GitHub pages them (2 installations, one suspended; 3 repositories). */
  function installations() {
    const requests: string[] = [];
    const next = (path: string) => ({ link: `<${API}${path}>; rel="next"` });
    nock(API)
      .persist()
      .get("/app/installations")
      .query(true)
      .reply((req: Request) => {
        const url = new URL(req.url);
        requests.push(url.pathname + url.search);
        return url.searchParams.get("page") === "2"
          ? [200, [{ id: 2, suspended_at: "2026-11-01T00:00:00Z" }]]
          : [200, [{ id: 1, suspended_at: null }], next("/app/installations?per_page=100&page=2")];
      })
      .get("/installation/repositories")
      .query(true)
      .reply((req: Request) => {
        const url = new URL(req.url);
        requests.push(url.pathname + url.search);
        const repo = (name: string, archived = false) => ({ name, archived, owner: { login: OWNER } });
        return url.searchParams.get("page") === "2"
          ? [200, { total_count: 3, repositories: [repo("Old", true)] }]
          : [
              200,
              { total_count: 3, repositories: [repo(REPO), repo("Quiet")] },
              next("/installation/repositories?per_page=100&page=2"),
            ];
      })
      .get(/^\/repos\/Codertocat\/Quiet\/git\/matching-refs\//)
      .reply(() => {
        requests.push("quiet matching-refs");
        return [200, []];
      });
    return requests;
  }

  it("lists every page of installations and repositories, skips suspended and archived ones, and wakes what waits", async () => {
    const w = world();
    const requests = installations();
    await w.probot.receive({
      id: "1",
      name: "release",
      payload: releasePublishedPayload(TAG, "alice") as never,
    });
    expect(w.gh.dispatches).toEqual([]);

    // Before the window opens: looked at, nothing written.
    w.at("2026-12-01T18:00:00Z");
    const writes = w.gh.calls.filter((c) => c.method !== "GET").length;
    const log = captureLog();
    const quiet = await sweep(probotSource(w.probot), w.deps, log, 60_000, new Map());
    expect(quiet).toEqual({
      repositories: 2,
      outcomes: [`${OWNER}/${REPO} ${TAG} staging: still waiting`],
      failures: [],
    });
    expect(w.gh.calls.filter((c) => c.method !== "GET").length).toBe(writes);
    expect(requests).toEqual([
      "/app/installations?per_page=100",
      "/app/installations?per_page=100&page=2",
      "/installation/repositories?per_page=100",
      "/installation/repositories?per_page=100&page=2",
      "quiet matching-refs",
    ]);

    w.at("2026-12-01T22:00:30Z");
    const open = await sweep(probotSource(w.probot), w.deps, log, 60_000, new Map());
    expect(open.outcomes).toEqual([`${OWNER}/${REPO} ${TAG} staging: gates open, dispatched`]);
    expect(w.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(w.gh.refs.has(`refs/shipline-wait/${TAG}/staging-rollout-waiting`)).toBe(false);
  });

  it("two replicas' timers sweeping at once dispatch the stage once", async () => {
    const w = world();
    installations();
    await w.probot.receive({
      id: "1",
      name: "release",
      payload: releasePublishedPayload(TAG, "alice") as never,
    });
    w.at("2026-12-01T22:00:30Z");
    // A second replica: its own Probot, same App, same GitHub.
    const other = testProbot({ now: () => new Date("2026-12-01T22:00:30Z") });
    await Promise.all([
      sweep(probotSource(w.probot), w.deps, captureLog(), 60_000, new Map()),
      sweep(probotSource(other), w.deps, captureLog(), 60_000, new Map()),
    ]);
    expect(w.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
  });

  it("a repository that fails is reported and the others are still looked at", async () => {
    const source: ClockSource = {
      installations: async () => [1],
      installation: async () => ({
        octokit: {
          request: async (_route: string, params: { repo: string }) => {
            if (params.repo === "Broken") throw Object.assign(new Error("Server Error"), { status: 500 });
            return { status: 200, data: [], headers: {} };
          },
        },
        repositories: [
          { owner: OWNER, repo: "Broken" },
          { owner: OWNER, repo: "Fine" },
        ],
      }),
    };
    const log = captureLog();
    const report = await sweep(source, { now: () => new Date(), fetch, env: {} }, log, 60_000, new Map());
    expect(report).toEqual({
      repositories: 2,
      outcomes: [],
      failures: [`${OWNER}/Broken: 500 Server Error`],
    });
    expect(log.lines).toContain(`warn clock: ${OWNER}/Broken: 500 Server Error`);
  });

  it("paces an installation with many repositories to a tenth of its request budget, and says so once", async () => {
    const repositories = Array.from({ length: 30 }, (_, i) => ({ owner: OWNER, repo: `r${i}` }));
    const looked: string[] = [];
    const source: ClockSource = {
      installations: async () => [77],
      installation: async () => ({
        octokit: {
          request: async (_route: string, params: { repo: string }) => {
            looked.push(params.repo);
            return { status: 200, data: [], headers: {} };
          },
        },
        repositories,
      }),
    };
    const log = captureLog();
    let now = Date.parse("2026-12-01T10:00:00Z");
    const deps = { now: () => new Date(now), fetch, env: {} };
    const pacing: Pacing = new Map();
    // 31 requests a look, at most 500 an hour: one look every 3 min 43 s, however short the interval.
    expect(installationGapMs(30)).toBe(223_200);
    for (let minute = 0; minute < 60; minute++) {
      await sweep(source, deps, log, 60_000, pacing);
      now += 60_000;
    }
    const looks = looked.length / 30;
    expect(looks).toBe(15); // minutes 0, 4, 8, ... 56
    expect(looks * 31).toBeLessThanOrEqual(CLOCK_REQUESTS_PER_HOUR);
    expect(log.lines.filter((l) => l.startsWith("warn"))).toEqual([
      "warn clock: installation 77 has 30 repositories: it is looked at every 3m43s, not every 1m, to spend at most 500 of its 5,000 requests an hour on looking; the tick workflow in a repository wakes that repository's stages sooner",
    ]);
  });

  it("looks at a small installation every interval", async () => {
    let lists = 0;
    const source: ClockSource = {
      installations: async () => [5],
      installation: async () => {
        lists++;
        return {
          octokit: { request: async () => ({ status: 200, data: [], headers: {} }) },
          repositories: [{ owner: OWNER, repo: REPO }],
        };
      },
    };
    let now = Date.parse("2026-12-01T10:00:00Z");
    const pacing: Pacing = new Map();
    for (let minute = 0; minute < 10; minute++) {
      await sweep(source, { now: () => new Date(now), fetch, env: {} }, captureLog(), 60_000, pacing);
      now += 60_000;
    }
    expect(lists).toBe(10);
  });
});
