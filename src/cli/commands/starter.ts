// The config `shipline init` writes, from a few answers. Its first release goes through: staging has its own
// hosts, production's gates are only the ones asked for, and every gate it turns on is explained.

export interface StarterAnswers {
  /** Glob of the release assets CI uploads. */
  assets: string;
  /** sha256sum-format asset, or "" to rely on GitHub's own asset digests. */
  checksums: string;
  /** Region -> hosts. Staging's own hosts: never production's. */
  staging: Record<string, string[]>;
  production: Record<string, string[]>;
  driver: { type: "directory"; path: string } | { type: "command"; run: string };
  /** Distinct approvers for canary and production (four-eyes); 0 turns it off. */
  approvals: number;
  /** How long the canary stays live before production ("" for none). */
  bake: string;
  /** A health URL per target with {target}; "" for no verification. */
  healthUrl: string;
  /** Deploy windows, e.g. ["Mon-Thu 09:00-16:00"]; empty for any time. */
  windows: string[];
  timezone: string;
  requiredChecks: string[];
}

export const DEFAULT_ANSWERS: StarterAnswers = {
  assets: "app-*.tar.gz",
  checksums: "SHA256SUMS",
  staging: { staging: ["staging-1"] },
  production: { production: ["web-1", "web-2", "web-3", "web-4"] },
  driver: { type: "directory", path: "/srv/app/{target}" },
  approvals: 1,
  bake: "15m",
  healthUrl: "",
  windows: [],
  timezone: "UTC",
  requiredChecks: [],
};

/** "web-1,web-2" (one region named `fallback`) or "eu-west=web-1,web-2;us-east=web-3". */
export function parseHosts(text: string, fallback: string): Record<string, string[]> | string {
  const out: Record<string, string[]> = {};
  for (const part of text
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(?:([A-Za-z0-9][A-Za-z0-9._-]{0,62})=)?(.+)$/.exec(part);
    if (!m) return `"${part}" is not a list of hosts: write web-1,web-2 or eu-west=web-1,web-2;us-east=web-3`;
    const region = m[1] ?? fallback;
    const hosts = m[2]!
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean);
    const bad = hosts.find((h) => !/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/.test(h));
    if (bad) return `"${bad}" is not a host name: use letters, digits and . _ : @ -`;
    if (out[region]) return `region "${region}" is named twice`;
    out[region] = hosts;
  }
  return Object.keys(out).length ? out : "give at least one host";
}

const yamlString = (s: string) => JSON.stringify(s);
const list = (items: readonly string[]) =>
  `[${items.map((i) => (/^[\w.-]+$/.test(i) ? i : yamlString(i))).join(", ")}]`;

/** The .github/shipline.yml text, commented so a reader knows why each line is there. */
export function starterConfigText(a: StarterAnswers): string {
  const productionHosts = Object.values(a.production).flat().length;
  const canary = productionHosts >= 2;
  const regions = Object.keys(a.production);
  const lines: string[] = [
    "# yaml-language-server: $schema=./shipline.schema.json",
    "# Shipline config, written by `shipline init`. Every key: the README's configuration reference (and the schema beside this file).",
    "# `node shipline.mjs validate` checks it; `node shipline.mjs runbook` keeps RUNBOOK.md in step with it.",
    "workflow: shipline.yml                     # .github/workflows/shipline.yml, the deploy job Shipline dispatches",
    `artifacts: { assets: [${yamlString(a.assets)}]${a.checksums ? `, checksums: ${a.checksums}` : ""} }   # built and uploaded by CI, never by hand`,
    "targets:                                   # hosts by region; staging has its own, apart from production",
    ...Object.entries(a.staging).map(([r, hosts]) => `  ${r}: ${list(hosts)}`),
    ...Object.entries(a.production).map(([r, hosts]) => `  ${r}: ${list(hosts)}`),
    a.driver.type === "directory"
      ? `driver: { type: directory, path: ${yamlString(a.driver.path)}, keep: 5 }   # releases/<version>/ + a current link; 5 kept for rollback`
      : `driver: { type: command, run: ${yamlString(a.driver.run)} }   # run per target with SHIPLINE_* variables`,
    "stages:",
    `  - { name: staging, environment: staging, targets: ${list(Object.keys(a.staging))}${a.healthUrl ? ", verify: [smoke]" : ""}, approvals: 0 }`,
  ];
  const approvals = `approvals: ${a.approvals}`;
  if (canary)
    lines.push(
      `  - { name: canary, environment: production, targets: ${list(regions)}, percent: 25${regions.length > 1 ? ", every-region: true" : ""}${a.bake ? `, bake: ${a.bake}` : ""}${a.healthUrl ? ", verify: [smoke]" : ""}, ${approvals} }`,
    );
  lines.push(
    `  - { name: production, environment: production, targets: ${list(regions)}${productionHosts >= 4 ? ", waves: [50, 100]" : ""}${a.healthUrl ? ", verify: [smoke]" : ""}, ${approvals} }`,
  );
  if (a.healthUrl)
    lines.push(
      "checks:",
      `  smoke: { smoke: { url: ${yamlString(a.healthUrl)}, expect: 200 } }   # every target after it is installed`,
    );
  const gates: string[] = [];
  if (a.windows.length) gates.push(`  windows: { timezone: ${a.timezone}, allow: ${list(a.windows)} }`);
  if (a.requiredChecks.length) gates.push(`  required-checks: ${list(a.requiredChecks)}`);
  if (gates.length) lines.push("gates:", ...gates);
  lines.push(
    "rollback: { automatic: true, lock: true }   # a failed stage goes back to the previous release and locks",
  );
  return `${lines.join("\n")}\n`;
}

/** One line per gate the config turns on (and the ones it leaves off), printed by `init`. */
export function gateExplanations(a: StarterAnswers): string[] {
  const canary = Object.values(a.production).flat().length >= 2;
  const prod = canary ? "canary and production" : "production";
  const out = [
    "- order: a stage starts only after the stage before it succeeded (staging, then " +
      `${canary ? "canary (25% of the production hosts), then " : ""}production).`,
    a.approvals > 0
      ? `- four-eyes: ${prod} each wait for ${a.approvals} approval(s) by someone other than the release's author (\`/approve\` on an issue, or \`shipline approve <tag>\`). \`--approvals 0\` turns this off for a solo trial.`
      : `- four-eyes is OFF (--approvals 0): nobody approves ${prod}. Turn it on (\`approvals: 1\`) before real production use.`,
    ...(canary && a.bake
      ? [
          `- bake: the canary stays live ${a.bake} before production starts${a.healthUrl ? ", verified by the smoke check" : ""}.`,
        ]
      : []),
    ...(a.healthUrl
      ? [`- verification: every target must answer ${a.healthUrl} with 200 after it is installed.`]
      : []),
    ...(a.windows.length
      ? [`- deploy windows: deploys start only ${a.windows.join(", ")} (${a.timezone}); rollbacks any time.`]
      : []),
    ...(a.requiredChecks.length
      ? [`- required checks: ${a.requiredChecks.join(", ")} must be green on the release commit.`]
      : []),
    "- rollback: a failed stage is rolled back to the environment's previous release automatically, and the environment is locked (`/unlock` it).",
  ];
  const off = [
    ...(a.windows.length ? [] : ["deploy windows (gates.windows)"]),
    ...(a.requiredChecks.length ? [] : ["required checks (gates.required-checks)"]),
    "the error budget (gates.error-budget)",
  ];
  out.push(`- not turned on: ${off.join(", ")}; docs/gates.md says how.`);
  return out;
}

/** Known `init` flags with values, for did-you-mean. */
export const INIT_VALUE_FLAGS = [
  "dir",
  "assets",
  "checksums",
  "staging",
  "production",
  "path",
  "run",
  "approvals",
  "bake",
  "health-url",
  "window",
  "timezone",
  "required-checks",
] as const;

/** Answers from flags over the defaults; a message when one is wrong. */
export function answersFromFlags(flags: Record<string, string>): StarterAnswers | string {
  const a: StarterAnswers = { ...DEFAULT_ANSWERS };
  if (flags.assets) a.assets = flags.assets;
  if (flags.checksums !== undefined) a.checksums = flags.checksums === "none" ? "" : flags.checksums;
  for (const key of ["staging", "production"] as const) {
    if (flags[key] === undefined) continue;
    const hosts = parseHosts(flags[key]!, key);
    if (typeof hosts === "string") return `--${key}: ${hosts}`;
    a[key] = hosts;
  }
  const shared = Object.values(a.staging)
    .flat()
    .find((h) => Object.values(a.production).flat().includes(h));
  if (shared) return `${shared} is both a staging and a production host: staging needs hosts of its own`;
  if (flags.path && flags.run)
    return "give either --path (directory driver) or --run (command driver), not both";
  if (flags.run) a.driver = { type: "command", run: flags.run };
  else if (flags.path) a.driver = { type: "directory", path: flags.path };
  if (flags.approvals !== undefined) {
    const n = Number(flags.approvals);
    if (!Number.isInteger(n) || n < 0 || n > 10)
      return `--approvals ${flags.approvals}: give a whole number from 0 to 10`;
    a.approvals = n;
  }
  if (flags.bake !== undefined) a.bake = flags.bake === "0" || flags.bake === "none" ? "" : flags.bake;
  if (flags["health-url"] !== undefined) a.healthUrl = flags["health-url"];
  if (flags.window) a.windows = flags.window.split(",").map((w) => w.trim());
  if (flags.timezone) a.timezone = flags.timezone;
  if (flags["required-checks"]) a.requiredChecks = flags["required-checks"].split(",").map((c) => c.trim());
  return a;
}
