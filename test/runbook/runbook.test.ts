import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runbookFor, runbookIsCurrent } from "../../src/runbook/current.js";
import { EXAMPLE_CONFIG, EXAMPLE_WORKFLOW } from "../../src/runbook/templates.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("bundled templates", () => {
  it("are exact copies of the examples the README points to", () => {
    expect(EXAMPLE_CONFIG).toBe(read("examples/shipline.yml"));
    expect(EXAMPLE_WORKFLOW).toBe(read("examples/workflows/shipline.yml"));
  });
});

describe("runbook generator", () => {
  it("turns the example config into a stable RUNBOOK.md", async () => {
    const first = runbookFor(EXAMPLE_CONFIG);
    if (!first.ok) throw new Error(first.problems);
    expect(runbookFor(EXAMPLE_CONFIG)).toEqual(first);
    await expect(first.text).toMatchFileSnapshot("__snapshots__/example-RUNBOOK.md");
  });

  it("covers what the seeds ask of a runbook, from the config's own values", () => {
    const yaml = `
artifacts: { assets: ["api-*.deb"], checksums: SHA256SUMS }
targets: { eu: [a1, a2], us: [b1] }
driver: { type: command, run: ./deploy.sh, rollback: ./undo.sh }
stages:
  - { name: canary, environment: production, percent: 10, bake: 1h, verify: [errors] }
  - { name: production, by: region, approvers: ["@acme/sre"], approvals: 2, promote: manual }
checks:
  errors: { prometheus: { url: "http://prom:9090", query: "sum(errors)", token-secret: PROM_TOKEN }, max: 5 }
gates:
  windows: { timezone: Europe/Berlin, allow: ["Mon-Thu 22:00-06:00"] }
  freezes: [{ from: "2026-12-20", until: "2027-01-04", reason: holidays }]
  production-actors: [alice]
notify: { slack: {}, webhooks: [{ url: "https://hooks.example.com/x", secret: HOOK_KEY }] }
markers: [{ type: datadog }]
`;
    const r = runbookFor(yaml);
    if (!r.ok) throw new Error(r.problems);
    for (const expected of [
      "## Prerequisites",
      "`api-*.deb` and a `SHA256SUMS` checksum file",
      "- Secrets mapped into the deploy job's `env:`: `DD_API_KEY`, `HOOK_KEY`, `PROM_TOKEN`, `SLACK_WEBHOOK_URL`.",
      "| canary | `production` (production) | 10% of all targets, picked at random per release | 1h | `errors` | automatic |",
      "all targets, one region per wave",
      "2 approval(s) by `@acme/sre`, never the release author nor whoever triggered it; only `alice` may drive it",
      "- **errors** (threshold): Prometheus `sum(errors)`; max 5.",
      "**Deploy windows** (Europe/Berlin): `Mon-Thu 22:00-06:00`",
      "**Freeze** 2026-12-20 to 2027-01-04: holidays.",
      "`./undo.sh` with `SHIPLINE_MODE=rollback`",
      "gh workflow run shipline.yml -f release=<previous tag> -f stage=<stage> -f mode=rollback",
      "Deployment markers: datadog.",
      "`shipline audit <tag>`",
    ])
      expect(r.text).toContain(expected);
  });
});

describe("runbookIsCurrent", () => {
  const generated = runbookFor(EXAMPLE_CONFIG);
  if (!generated.ok) throw new Error(generated.problems);

  it("accepts the runbook of this config, even with notes added by hand or YAML comments changed", () => {
    expect(runbookIsCurrent(EXAMPLE_CONFIG, generated.text)).toEqual({ current: true });
    expect(runbookIsCurrent(`# reformatted\n${EXAMPLE_CONFIG}`, `${generated.text}\n## Our notes\n`)).toEqual(
      {
        current: true,
      },
    );
  });

  it("flags a runbook whose config changed, or one Shipline did not write", () => {
    const changed = EXAMPLE_CONFIG.replace("bake: 10m", "bake: 20m");
    expect(changed).not.toBe(EXAMPLE_CONFIG);
    expect(runbookIsCurrent(changed, generated.text)).toEqual({
      current: false,
      reason:
        "RUNBOOK.md no longer matches .github/shipline.yml: regenerate it with the Shipline CLI (`node shipline.mjs runbook`, the single file in Shipline's action/dist) and commit it",
    });
    expect(runbookIsCurrent(EXAMPLE_CONFIG, "# Our runbook\n")).toMatchObject({ current: false });
    expect(runbookIsCurrent("stages: 3", generated.text)).toMatchObject({ current: false });
  });
});
