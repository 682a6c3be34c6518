import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { parseInspect, releasesToPrune } from "../../src/rollout/drivers/ssh.js";
import { parseAddress, remoteCommand, shellQuote } from "../../src/rollout/drivers/ssh-client.js";
import { generateRunbook } from "../../src/runbook/generate.js";

const problems = (driver: string) => {
  const parsed = parseConfig(`targets: { eu: [web-1] }\ndriver: ${driver}\nstages: [{ name: production }]\n`);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.path}: ${p.message}`);
};

describe("ssh driver config and helpers", () => {
  it("refuses an ssh driver without host keys, with the path of the fix", () => {
    expect(problems("{ type: ssh, path: /srv/app }")).toEqual([
      expect.stringMatching(/^driver\.known-hosts: the ssh driver always verifies host keys/),
    ]);
    expect(problems("{ type: ssh, path: /srv/app, known-hosts-secret: SSH_KNOWN_HOSTS }")).toEqual([]);
    expect(problems("{ type: ssh, path: srv/app, known-hosts-secret: K }")[0]).toMatch(
      /expected an absolute path/,
    );
  });

  it("parses addresses and refuses ones ssh would read as options", () => {
    expect(parseAddress("deploy@10.0.0.5:2222", { port: 22 })).toEqual({
      host: "10.0.0.5",
      port: 2222,
      user: "deploy",
    });
    expect(parseAddress("[::1]:2200", { port: 22, user: "ops" })).toEqual({
      host: "::1",
      port: 2200,
      user: "ops",
    });
    expect(parseAddress("web-1.prod", { port: 22 })).toEqual({ host: "web-1.prod", port: 22 });
    expect(() => parseAddress("-oProxyCommand=x", { port: 22 })).toThrow(/cannot start with "-"/);
    expect(() => parseAddress("a b", { port: 22 })).toThrow(/not an SSH address/);
  });

  it("quotes every value for the remote shell", () => {
    expect(shellQuote("it's $(rm -rf /)")).toBe(`'it'\\''s $(rm -rf /)'`);
    expect(remoteCommand('echo "$1"', ["a'b"])).toBe(`sh -c 'echo "$1"' shipline 'a'\\''b'`);
  });

  it("reads a host's state and prunes by how recently a release was current", () => {
    const state = parseInspect(
      [
        "CURRENT releases/v3",
        'META v1 {"version":"v1","installedAt":"2026-01-01T00:00:00Z"}',
        'META v2 {"version":"v2","installedAt":"2026-01-02T00:00:00Z"}',
        'META v3 {"version":"v3","installedAt":"2026-01-03T00:00:00Z"}',
        "META broken {not json",
        "HISTORY",
        "# shipline deploy history",
        "2026-01-01T00:00:00Z deploy v1 - ssh",
        "2026-01-02T00:00:00Z deploy v2 v1 ssh",
        "2026-01-02T01:00:00Z rollback v1 v2 ssh",
        "2026-01-03T00:00:00Z deploy v3 v1 ssh",
      ].join("\n"),
      "web-1",
    );
    expect(state.current).toBe("v3");
    expect(state.releases.map((r) => r.name)).toEqual(["v1", "v2", "v3"]);
    expect(state.history).toHaveLength(4);
    // v2 was current less recently than v1 (a rollback moved away from it), though installed later.
    expect(releasesToPrune(state, 2, ["v3"])).toEqual(["v2"]);
    expect(() => parseInspect("CURRENT /etc", "web-1")).toThrow(/outside releases\//);
    expect(() => parseInspect("CURRENT-NOT-LINK", "web-1")).toThrow(/not a symlink/);
    expect(parseInspect("SHIPLINE-NODIR", "web-1")).toEqual({ current: null, releases: [], history: [] });
  });

  it("the runbook gives ssh hosts the offline rollback, and names command and workflow checks", () => {
    const parsed = parseConfig(`targets: { eu: [web-1] }
driver: { type: ssh, path: /srv/shop, known-hosts-secret: K }
stages: [{ name: production, verify: [suite, load] }]
checks:
  suite: { command: { run: "npm test", timeout: 5m } }
  load: { workflow: { file: load-test.yml } }
`);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const text = generateRunbook(parsed.config, "x");
    expect(text).toContain("sh /srv/shop/shipline-rollback");
    expect(text).toContain("**suite** (command): runs `npm test` in the deploy job");
    expect(text).toContain("**load** (workflow): dispatches `load-test.yml`");
  });
});
