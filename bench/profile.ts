// Where the time goes: the V8 CPU profiler (node:inspector) around a piece of work, self time summed by who
// owns the code (Shipline, the GitHub stand-in and its OpenAPI validation, Probot/Octokit, Node itself).
import { Session } from "node:inspector/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who owns a function, by its script URL. */
export function ownerOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "node (native)";
  if (/\/tools\/standin\/openapi\/|node_modules\/(ajv|ajv-formats|fast-uri|json-schema-traverse)\//.test(url))
    return "stand-in: OpenAPI validation (ajv)";
  if (/\/tools\/standin\/|\/bench\//.test(url)) return "stand-in and bench harness";
  if (/\/src\//.test(url)) return "Shipline (src/)";
  if (
    /node_modules\/(probot|@octokit|@probot|bottleneck|pino|before-after-hook|universal-user-agent)/.test(url)
  )
    return "Probot and Octokit";
  if (/node_modules\/(zod|yaml|js-yaml)\//.test(url)) return "config parsing (zod, yaml)";
  if (/node_modules\/(undici|nock|@mswjs)/.test(url) || url.startsWith("node:internal/deps/undici"))
    return "fetch (undici)";
  if (url.startsWith("node:")) return "Node core (http, streams, crypto)";
  return "other packages";
}

export interface Breakdown {
  totalMs: number;
  byOwner: { owner: string; ms: number; share: number }[];
  topFunctions: { fn: string; owner: string; ms: number }[];
}

/** Runs `work` under the CPU profiler and returns self time by owner and the top functions. */
export async function profile(work: () => Promise<void>): Promise<Breakdown> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await work();
  const { profile: p } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  const owners = new Map<string, number>();
  const fns = new Map<string, { owner: string; ms: number }>();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    total += ms;
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const where = node.callFrame.url.replace(/^.*\/(node_modules|src|tools|bench)\//, "$1/");
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${where}`;
    const f = fns.get(fn) ?? { owner, ms: 0 };
    f.ms += ms;
    fns.set(fn, f);
  }
  return {
    totalMs: total,
    byOwner: [...owners].map(([owner, ms]) => ({ owner, ms, share: ms / total })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...fns]
      .map(([fn, f]) => ({ fn, ...f }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15),
  };
}
