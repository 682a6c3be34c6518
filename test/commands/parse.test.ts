import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCommand, parseCommand } from "../../src/commands/parse.js";
import { helpText } from "../../src/commands/syntax.js";
import type { Command } from "../../src/commands/types.js";

const ok = (body: string) => {
  const r = parseCommand(body, {
    stages: ["staging", "canary", "production"],
    environments: ["staging", "production"],
  });
  if (r.kind !== "command") throw new Error(`expected a command, got ${JSON.stringify(r)}`);
  return r.command;
};
const err = (body: string) => {
  const r = parseCommand(body, {
    stages: ["staging", "canary", "production"],
    environments: ["staging", "production"],
  });
  if (r.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.message;
};

describe("parseCommand", () => {
  it("parses every command in its documented forms", () => {
    expect(ok("/deploy v1.2.3")).toEqual({ name: "deploy", tag: "v1.2.3" });
    expect(ok("/deploy api/v1.2.3+build.5 to canary")).toEqual({
      name: "deploy",
      tag: "api/v1.2.3+build.5",
      stage: "canary",
    });
    expect(ok("/promote")).toEqual({ name: "promote" });
    expect(ok("/promote v1.2.3 to production")).toEqual({
      name: "promote",
      tag: "v1.2.3",
      stage: "production",
    });
    expect(ok("/rollback")).toEqual({ name: "rollback" });
    expect(ok("/rollback production to v1.2.2 -- error rate doubled (see #12)")).toEqual({
      name: "rollback",
      environment: "production",
      tag: "v1.2.2",
      reason: "error rate doubled (see #12)",
    });
    expect(ok("/rollback to v1.2.2")).toEqual({ name: "rollback", tag: "v1.2.2" });
    expect(ok("/pause")).toEqual({ name: "pause" });
    expect(ok("/resume production")).toEqual({ name: "resume", stage: "production" });
    expect(ok("/lock production for 2h -- database migration")).toEqual({
      name: "lock",
      environment: "production",
      expiresInMs: 7_200_000,
      reason: "database migration",
    });
    expect(ok("/unlock production")).toEqual({ name: "unlock", environment: "production" });
    expect(ok("/approve")).toEqual({ name: "approve" });
    expect(ok("/hotfix v1.2.4 to production -- checkout returns 500")).toEqual({
      name: "hotfix",
      tag: "v1.2.4",
      stage: "production",
      reason: "checkout returns 500",
    });
    expect(ok("/status")).toEqual({ name: "status" });
    expect(ok("/help")).toEqual({ name: "help" });
  });

  it("reads only the first line, tolerating spaces, CRLF and a capitalised command", () => {
    expect(ok("  /Deploy v1.2.3  \r\nthanks!\n/rollback")).toEqual({ name: "deploy", tag: "v1.2.3" });
    expect(parseCommand("LGTM\n/deploy v1.2.3")).toEqual({ kind: "none" });
  });

  it("ignores comments that are not Shipline commands", () => {
    for (const body of ["", "looks good", "/assign @me", "/deployment is broken?", "//deploy", "/ deploy v1"])
      expect(parseCommand(body)).toEqual({ kind: "none" });
  });

  it("refuses malformed commands with the usage", () => {
    expect(err("/deploy")).toBe("`/deploy` needs a <tag>. Usage: `/deploy <tag> [to <stage>]`");
    expect(err("/deploy v1 to")).toContain("`to` needs a <stage> after it.");
    expect(err("/deploy v1 to prod")).toContain(
      'There is no stage "prod" (stages: staging, canary, production).',
    );
    expect(err("/deploy v1 please")).toContain('Unexpected "please".');
    expect(err("/deploy v1 -- because")).toContain("`/deploy` does not take a reason.");
    expect(err("/hotfix v1.2.4")).toContain("`/hotfix` needs a reason");
    expect(err("/hotfix v1.2.4 --")).toContain("`/hotfix` needs a reason");
    expect(err("/lock production for 90d")).toContain("A lock may last at most 30d.");
    expect(err("/lock production for soon")).toContain('"soon" is not a duration');
    expect(err("/deploy ../../etc")).toContain('"../../etc" is not a release tag.');
    expect(err("/deploy -rf")).toContain('"-rf" is not a release tag.');
    expect(err(`/rollback -- ${"x".repeat(301)}`)).toContain("longer than 300");
    expect(err(`/deploy ${"v".repeat(500)}`)).toContain("longer than 400");
  });

  it("refuses shell metacharacters with a clear error", () => {
    expect(err("/deploy v1;rm -rf /")).toBe(
      '`;` is not allowed in "v1;rm": tags and names use only letters, digits and `. _ / + -`. Usage: `/deploy <tag> [to <stage>]`',
    );
    expect(err("/deploy $(curl evil)")).toContain("`$` is not allowed");
    expect(err("/deploy;id")).toBe(
      "`;` right after `/deploy` is not allowed. Usage: `/deploy <tag> [to <stage>]`",
    );
    expect(err("/rollback -- `id`")).toContain("a backtick (`` ` ``) is not allowed in a reason");
    expect(err(["/rollback -- $", "{{ github.token }}"].join(""))).toContain("is not allowed in a reason");
    expect(err('/lock production -- say "hi"')).toContain('`"` is not allowed in a reason');
  });

  it("refuses Unicode lookalike slashes and letters", () => {
    expect(err("\u2215deploy v1")).toBe(
      "The comment starts with U+2215, which looks like a slash but is not one. Type `/deploy` with an ASCII slash.",
    );
    expect(err("\uFF0Fapprove")).toContain("U+FF0F");
    expect(err("/\u0430pprove")).toBe(
      '`/approve` is spelled with the non-ASCII character U+0430 (it looks like "a"). Type it with ASCII letters.',
    );
    expect(err("/deploy v1.2.3 to pr\u043Eduction")).toContain(
      'the non-ASCII character U+043E (it looks like "o")',
    );
    expect(err("/deploy v1\u00A0to production")).toContain("U+00A0");
    expect(err("/rollback -- undo \u202Eevil")).toContain("U+202E");
  });

  it("answers a typo of one of its commands with the nearest one, and leaves other bots' commands alone", () => {
    expect(parseCommand("/promte v1.2.3")).toEqual({
      kind: "error",
      name: "promote",
      message:
        "`/promte` is not a Shipline command. Did you mean `/promote`? Usage: `/promote [<tag>] [to <stage>]` (`/help` lists every command).",
    });
    expect(parseCommand("/rollbak production")).toMatchObject({ kind: "error", name: "rollback" });
    expect(parseCommand("/unlcok production")).toMatchObject({ kind: "error", name: "unlock" });
    for (const other of ["/hold", "/lgtm", "/retest", "/assign @me", "/cc @team", "/label bug"])
      expect(parseCommand(other), other).toEqual({ kind: "none" });
  });

  it("answers a command word with an invisible character inside it", () => {
    const result = parseCommand("/pro\u200Bmote v1.2.3");
    expect(result).toMatchObject({ kind: "error", name: "promote" });
    expect(result.kind === "error" && result.message).toBe(
      "`/promote` has the invisible character U+200B inside it (text pasted from a chat or a document often does). Type the command again. Usage: `/promote [<tag>] [to <stage>]`",
    );
    expect(parseCommand("/roll\uFEFFback")).toMatchObject({ kind: "error", name: "rollback" });
  });

  it("/help puts each command's arguments and reason in their own columns", () => {
    const rows = helpText()
      .split("\n")
      .filter((l) => l.startsWith("| `/"));
    expect(rows).toHaveLength(12);
    expect(rows).toContain(
      "| `/rollback` | `[<environment>]` `[to <tag>]` | optional | Roll an environment back to the previous release (or the one named), from stored artifacts. |",
    );
    expect(rows).toContain(
      "| `/hotfix` | `<tag>` `[to <stage>]` | required | Record a hotfix: skips bake times, never other validations; needs a reason. |",
    );
    for (const row of rows) expect(row.split(" | ")).toHaveLength(4);
    expect(helpText()).not.toContain("-- reason]");
  });

  it("has help text listing every command", () => {
    const help = helpText();
    for (const name of [
      "deploy",
      "promote",
      "rollback",
      "pause",
      "resume",
      "lock",
      "unlock",
      "approve",
      "hotfix",
      "status",
      "help",
    ])
      expect(help).toContain(`\`/${name}`);
  });
});

// Generators for the properties.
const SAFE = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,20}$/)
  .filter((s) => !s.includes("..") && !s.endsWith("."));
const META = fc.constantFrom(
  ..."`$;|&<>(){}[]!*?~'\"\\#=%^,:@".split(""),
  "\n\t".charAt(1),
  "\u0000",
  "\u202E",
);
const COMMAND = fc.constantFrom(
  "deploy",
  "promote",
  "rollback",
  "pause",
  "resume",
  "lock",
  "unlock",
  "approve",
  "hotfix",
  "status",
);

describe("parseCommand (properties)", () => {
  it("never throws, whatever the comment", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 600 }),
          fc.string({ maxLength: 600 }).map((s) => `/${s}`),
        ),
        (body) => {
          const r = parseCommand(body);
          expect(["none", "command", "error"]).toContain(r.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never accepts a token with a shell metacharacter", () => {
    fc.assert(
      fc.property(
        COMMAND,
        SAFE,
        META,
        SAFE,
        fc.constantFrom("", " to production"),
        (name, a, meta, b, tail) => {
          const r = parseCommand(`/${name} ${a}${meta}${b}${tail}`);
          expect(r.kind).toBe("error");
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("every accepted command has only safe tokens", () => {
    fc.assert(
      fc.property(
        COMMAND,
        fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 4 }),
        (name, words) => {
          const r = parseCommand(`/${name} ${words.join(" ")}`);
          if (r.kind !== "command") return;
          const c = r.command as Record<string, unknown>;
          for (const key of ["tag", "stage", "environment"])
            if (c[key] !== undefined) expect(c[key]).toMatch(/^[A-Za-z0-9][A-Za-z0-9._/+-]*$/);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("formatCommand gives back the same command", () => {
    const commands: Command[] = [
      { name: "deploy", tag: "v1.2.3", stage: "canary" },
      { name: "rollback", environment: "production", tag: "v1", reason: "errors up (see #3)" },
      { name: "lock", environment: "production", expiresInMs: 5_400_000, reason: "migration" },
      { name: "hotfix", tag: "v2", reason: "outage" },
      { name: "pause", stage: "production" },
      { name: "help" },
    ];
    for (const c of commands) expect(parseCommand(formatCommand(c))).toEqual({ kind: "command", command: c });
    fc.assert(
      fc.property(
        SAFE,
        fc.option(fc.constantFrom("staging", "production"), { nil: undefined }),
        (tag, stage) => {
          const c: Command = { name: "deploy", tag, ...(stage ? { stage } : {}) };
          expect(parseCommand(formatCommand(c))).toEqual({ kind: "command", command: c });
        },
      ),
    );
  });
});
