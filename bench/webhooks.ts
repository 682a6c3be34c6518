// Webhook handling: latency and throughput of Shipline's Probot app for a realistic mix of signed deliveries,
// beside an empty Probot app handling the same deliveries in the same run, with the GitHub stand-in answering on
// loopback. Also the heap after a long run, to catch growth.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Breakdown, profile } from "./profile.js";
import { median, percentile, row, type Section } from "./report.js";
import { benchProbot, bundleAction, deliveryId, serveProbot, shiplineApp, sign } from "./world.js";
import { startWorldProcess } from "./world-process.js";

type Json = Record<string, any>;
interface Delivery {
  kind: string;
  event: string;
  raw: string;
  signature: string;
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function example(event: string, action?: string): Json {
  const require = createRequire(import.meta.url);
  const all = require("@octokit/webhooks-examples/api.github.com/index.json") as {
    name: string;
    examples: Json[];
  }[];
  const found = all
    .find((e) => e.name === event)
    ?.examples.find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found);
}

const deliveryOf = (kind: string, event: string, payload: Json): Delivery => {
  const raw = JSON.stringify(payload);
  return { kind, event, raw, signature: sign(raw) };
};

/** POSTs deliveries with `concurrency` in flight; returns each delivery's latency (ms) and the wall time. */
async function drive(
  url: string,
  mix: readonly Delivery[],
  count: number,
  concurrency: number,
  onProgress?: (done: number) => void,
) {
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const d = mix[i % mix.length] as Delivery;
      const t0 = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/bench",
          "x-github-event": d.event,
          "x-github-delivery": deliveryId(),
          "x-hub-signature-256": d.signature,
        },
        body: d.raw,
      });
      await res.arrayBuffer();
      latencies[i] = performance.now() - t0;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (onProgress && i % 1000 === 0) onProgress(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wall = performance.now() - start;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    perSecond: (count / wall) * 1000,
    wall,
    statuses: Object.fromEntries(statuses),
  };
}

export async function webhookBench(events: number, concurrency = 4): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), "shipline-bench-hooks-"));
  // The stand-in (and its OpenAPI validation, the runner, the App carrying its own deliveries) runs in a child
  // process: this process holds the sender and the two apps measured, so neither is charged the stand-in's CPU.
  const world = await startWorldProcess({
    config: "threeStages",
    environments: { staging: { customRule: true }, production: { customRule: true } },
    bundle: await bundleAction(dir),
  });
  try {
    // Real deliveries from a release going through three stages, then replayed (GitHub redelivers; replicas race).
    await world.publish("v1.0.0");
    await world.settle();
    const seen = await world.deliveries();
    const status = (state: string, stage: string) => {
      const d = seen.find(
        (s) =>
          s.event === "deployment_status" &&
          s.payload.deployment_status?.state === state &&
          String(s.payload.workflow_run?.display_title).includes(` to ${stage} `),
      );
      if (!d) throw new Error(`no ${state} deployment_status for ${stage}`);
      return d.payload;
    };
    const deployment = seen.find((s) => s.event === "deployment")?.payload;
    const repository = status("in_progress", "canary").repository;
    const installation = { id: world.installationId };
    const foreign = structuredClone(status("success", "staging"));
    foreign.workflow_run.display_title = "CI: build and test";
    const comment = example("issue_comment", "created");
    Object.assign(comment, { repository, installation });
    comment.comment.body = "Looks good to me, thanks!";
    comment.sender.type = "User";
    comment.comment.user.type = "User";
    const push = example("push");
    Object.assign(push, { repository, installation });
    // A realistic mix for an installation: most events need nothing from Shipline, some are its own runs' statuses.
    const weighted: [number, Delivery][] = [
      [6, deliveryOf("issue_comment (no command)", "issue_comment", comment)],
      [4, deliveryOf("push (config untouched)", "push", push)],
      [4, deliveryOf("deployment_status of another workflow", "deployment_status", foreign)],
      [
        3,
        deliveryOf(
          "deployment_status in_progress (Shipline, redelivered)",
          "deployment_status",
          status("in_progress", "canary"),
        ),
      ],
      [
        2,
        deliveryOf(
          "deployment_status success (Shipline, redelivered: stage already completed)",
          "deployment_status",
          status("success", "canary"),
        ),
      ],
      [1, deliveryOf("deployment (no handler)", "deployment", deployment ?? {})],
    ];
    const mix: Delivery[] = [];
    for (let round = 0; mix.length < 20; round++) for (const [w, d] of weighted) if (round < w) mix.push(d);

    const empty = await serveProbot(benchProbot(world.apiUrl), () => undefined);
    const shipline = await serveProbot(benchProbot(world.apiUrl), shiplineApp);
    const trim = () => world.trim();
    // Warm up both (JIT, token cache, keep-alive sockets).
    await drive(empty.url, mix, 500, concurrency);
    await drive(shipline.url, mix, 500, concurrency);
    await trim();
    // What each kind costs in GitHub requests, one delivery of each (warm: the file cache holds the config).
    const perKind: { kind: string; requests: string[] }[] = [];
    // The measured app's installation token (the world's own App in the child holds another).
    let measured: string | undefined;
    for (const [, d] of weighted) {
      await drive(shipline.url, [d], 1, 1);
      const calls = (await world.calls()).filter((c) => c.caller === "app");
      measured ??= calls[0]?.client;
      perKind.push({ kind: d.kind, requests: calls.map((c) => `${c.endpoint} ${c.status}`) });
      await trim();
    }
    // Same-run comparison: interleave the two apps in blocks so neither gets a quieter machine.
    const blocks = 4;
    const sample = Math.min(events, 20_000);
    const e: Awaited<ReturnType<typeof drive>>[] = [];
    const s: Awaited<ReturnType<typeof drive>>[] = [];
    let requestsPerEvent = 0;
    for (let b = 0; b < blocks; b++) {
      e.push(await drive(empty.url, mix, Math.floor(sample / blocks), concurrency));
      const before = await world.callCount();
      s.push(await drive(shipline.url, mix, Math.floor(sample / blocks), concurrency));
      requestsPerEvent = ((await world.callCount()) - before) / Math.floor(sample / blocks);
      await trim();
    }
    // release.published on its own: a new release each time (the first transition: config, tag, check runs,
    // checksum file, the gates' reads, claim, the shipline check run, dispatch, stage 1's check run), and the
    // same delivery again (the check runs show it started: reads only, no claim tried).
    const fresh = async (prefix: string, n: number) => {
      const out: Delivery[] = [];
      for (let i = 0; i < n; i++)
        out.push(deliveryOf("release.published", "release", await world.newRelease(`${prefix}-${i}`)));
      return out;
    };
    const publishedRuns = Math.max(100, Math.min(300, Math.floor(events / 100)));
    // Built before any is sent, so no pause between sends lets a kept-alive socket time out.
    const lists: { empty: Delivery[]; shipline: Delivery[] }[] = [];
    for (const b of [0, 1])
      lists.push({
        empty: await fresh(`v9.${b}`, publishedRuns),
        shipline: await fresh(`v8.${b}`, publishedRuns),
      });
    const redelivered = (await fresh("redeliver", 1)).map((d) => ({
      ...d,
      kind: "release.published (redelivered)",
    }));
    await drive(shipline.url, redelivered, 1, 1); // starts that release: later deliveries find it started
    const newE: Awaited<ReturnType<typeof drive>>[] = [];
    const newS: Awaited<ReturnType<typeof drive>>[] = [];
    const againE: Awaited<ReturnType<typeof drive>>[] = [];
    const againS: Awaited<ReturnType<typeof drive>>[] = [];
    let newProfile: Breakdown | undefined;
    for (let b = 0; b < 2; b++) {
      const list = lists[b]!.empty;
      newE.push(await drive(empty.url, list, list.length, concurrency));
      await world.settle();
      await trim();
      const list2 = lists[b]!.shipline;
      if (b === 1) {
        newProfile = await profile(async () => {
          newS.push(await drive(shipline.url, list2, list2.length, concurrency));
        });
      } else newS.push(await drive(shipline.url, list2, list2.length, concurrency));
      await world.settle();
      await trim();
      againE.push(await drive(empty.url, redelivered, publishedRuns, concurrency));
      againS.push(await drive(shipline.url, redelivered, publishedRuns, concurrency));
      await trim();
    }
    // What a redelivery of a started release costs in GitHub requests (the world is settled: all are its own).
    await world.settle();
    await trim();
    await drive(shipline.url, redelivered, 1, 1);
    perKind.push({
      kind: "release.published (redelivered: already started)",
      requests: (await world.calls())
        .filter((c) => (c.caller === "app" && c.client === measured) || c.caller === "storage")
        .map((c) => `${c.endpoint} ${c.status}`),
    });
    await trim();
    // Where a new release's time goes, one delivery at a time (nothing queued behind another delivery): the
    // delivery's latency beside the time at least one GitHub request of the App was in flight.
    const serial = await fresh("v7.0", 30);
    const criticalPath: { ms: number; requests: number; githubMs: number; endpoints: string[] }[] = [];
    for (const d of serial) {
      const before = await world.callCount();
      const t0 = performance.now();
      await drive(shipline.url, [d], 1, 1);
      const ms = performance.now() - t0;
      // The bench's own Shipline server answers no stand-in delivery: its requests are those with its token
      // (the world's App, in the child, may be handling the run just dispatched), and the downloads in this window.
      const own = (await world.calls(before)).filter(
        (c) =>
          (c.caller === "app" ? c.client === measured : c.caller === "storage") &&
          (c.start ?? 0) >= t0 - 1 &&
          (c.end ?? 0) <= t0 + ms + 1,
      );
      criticalPath.push({
        ms,
        requests: own.filter((c) => c.caller === "app").length,
        endpoints: own.filter((c) => c.caller === "app").map((c) => `${c.endpoint} ${c.status}`),
        githubMs: inFlight(own),
      });
      await world.settle();
    }
    await trim();
    // The same, under the CPU profiler (apart: starting and stopping it per delivery would be the latency).
    const profiled = await fresh("v7.1", 10);
    const serialProfile = await profile(async () => {
      for (const d of profiled) await drive(shipline.url, [d], 1, 1);
    });
    await world.settle();
    await trim();
    const mixProfile = await profile(async () => {
      await drive(shipline.url, mix, Math.min(4_000, sample), concurrency);
    });
    await trim();

    // Long run for memory: heap after warm-up vs after `events` more deliveries.
    const heapStart = heapMiB();
    const heapSamples: { events: number; heapMiB: number }[] = [{ events: 0, heapMiB: heapStart }];
    const step = Math.max(1000, Math.floor(events / 10));
    const longStart = performance.now();
    for (let done = 0; done < events; done += step) {
      await drive(shipline.url, mix, Math.min(step, events - done), concurrency);
      await trim();
      heapSamples.push({ events: Math.min(done + step, events), heapMiB: heapMiB() });
    }
    const longSeconds = (performance.now() - longStart) / 1000;
    const heapEnd = heapSamples.at(-1)?.heapMiB ?? heapStart;
    const half = heapSamples[Math.floor(heapSamples.length / 2)]?.heapMiB ?? heapStart;
    const p99 = median(s.map((r) => r.p99));
    const p99e = median(e.map((r) => r.p99));
    const growth = heapEnd - heapStart;
    empty.server.closeAllConnections();
    empty.server.close();
    shipline.server.closeAllConnections();
    shipline.server.close();
    return {
      title: `Webhook handling (mix of ${weighted.length} kinds, ${concurrency} deliveries in flight, stand-in on loopback in a child process)`,
      rows: [
        row({
          name: "p50 latency",
          value: median(s.map((r) => r.p50)),
          unit: "ms",
          baseline: median(e.map((r) => r.p50)),
          baselineLabel: "empty Probot app",
        }),
        row({
          name: "p99 latency",
          value: p99,
          unit: "ms",
          baseline: p99e,
          baselineLabel: "empty Probot app",
          target: "< 2x",
          met: p99 / p99e < 2,
        }),
        row({
          name: "p99 latency, release.published (new release: first transition)",
          value: median(newS.map((r) => r.p99)),
          unit: "ms",
          baseline: median(newE.map((r) => r.p99)),
          baselineLabel: "empty Probot app",
          target: "< 2x",
          met: median(newS.map((r) => r.p99)) / median(newE.map((r) => r.p99)) < 2,
        }),
        row({
          name: "p50 latency, release.published (new release: first transition)",
          value: median(newS.map((r) => r.p50)),
          unit: "ms",
          baseline: median(newE.map((r) => r.p50)),
          baselineLabel: "empty Probot app",
        }),
        row({
          name: "release.published (new release), one at a time: p50 latency",
          value: median(criticalPath.map((c) => c.ms)),
          unit: "ms",
          note: "no other delivery in flight",
        }),
        row({
          name: "  of which a GitHub request of the App (or an asset download) was in flight",
          value: median(criticalPath.map((c) => c.githubMs)),
          unit: "ms",
        }),
        row({
          name: "  GitHub requests of the App per new release",
          value: median(criticalPath.map((c) => c.requests)),
          unit: "req",
        }),
        row({
          name: "p99 latency, release.published redelivered (already started: reads only)",
          value: median(againS.map((r) => r.p99)),
          unit: "ms",
          baseline: median(againE.map((r) => r.p99)),
          baselineLabel: "empty Probot app",
          target: "< 2x",
          met: median(againS.map((r) => r.p99)) / median(againE.map((r) => r.p99)) < 2,
        }),
        row({
          name: "events per second",
          value: median(s.map((r) => r.perSecond)),
          unit: "ev/s",
          baseline: median(e.map((r) => r.perSecond)),
          baselineLabel: "empty Probot app",
        }),
        row({
          name: `heap growth over ${events.toLocaleString("en")} events (after GC)`,
          value: growth,
          unit: "MiB",
          target: "no growth (< 5 MiB)",
          met: growth < 5 && heapEnd - half < 2.5,
        }),
      ],
      detail: {
        events,
        sampleEvents: sample,
        concurrency,
        mix: weighted.map(([w, d]) => ({ weight: w, kind: d.kind })),
        githubRequestsPerEvent: requestsPerEvent,
        requestsPerKind: perKind,
        shiplineBlocks: s,
        emptyBlocks: e,
        heapSamples,
        longRunSeconds: longSeconds,
        releasePublished: {
          runs: publishedRuns,
          newS,
          newE,
          againS,
          againE,
          criticalPath,
          oneAtATimeProfile: serialProfile,
        },
        profile: { releasePublished: newProfile, mix: mixProfile },
      },
      notes: [
        `latency is from the sender's POST to the App's answer (Probot answers after its handlers finish); ${requestsPerEvent.toFixed(2)} GitHub requests per event on average`,
        ...perKind
          .filter((k) => k.requests.length > 0)
          .map((k) => `${k.kind}: ${k.requests.length} request(s): ${k.requests.join(", ")}`),
        "the stand-in (which validates every request and answer against GitHub's OpenAPI description) runs in a child process, the same for both apps: this process holds the sender and the app measured",
        ...[
          ["release.published (new release)", newProfile],
          ["the mix", mixProfile],
          ["release.published (new release), one at a time", serialProfile],
        ].map(
          ([what, p]) =>
            `CPU self time while Shipline handled ${what}: ${((p as Breakdown | undefined)?.byOwner ?? [])
              .slice(0, 7)
              .map((o) => `${o.owner} ${(o.share * 100).toFixed(0)}%`)
              .join(", ")}`,
        ),
      ],
    };
  } finally {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long at least one of these requests was in flight (the union of their intervals), in ms. */
export function inFlight(calls: readonly { start?: number; end?: number }[]): number {
  const spans = calls
    .filter((c) => c.start !== undefined && c.end !== undefined)
    .map((c) => [c.start!, c.end!] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const [s, e] of spans) {
    if (s > to) {
      if (to > from) total += to - from;
      from = s;
      to = e;
    } else to = Math.max(to, e);
  }
  if (to > from) total += to - from;
  return total;
}
