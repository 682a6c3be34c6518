import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatCommand, parseCommand } from "../../src/commands/parse.js";
import { COMMAND_NAMES, COMMANDS } from "../../src/commands/registry.js";
import type { Slot } from "../../src/commands/spec.js";
import { helpText } from "../../src/commands/syntax.js";

const DOCS = readFileSync(new URL("../../docs/commands.md", import.meta.url), "utf8");
const SAMPLE: Record<Slot["kind"], string> = {
  tag: "v1.2.0",
  stage: "staging",
  environment: "production",
  duration: "2h",
};

/** A comment that uses every argument of a command's grammar, written as its usage says. */
function sample(spec: (typeof COMMANDS)[number]): string {
  const parts = [`/${spec.name}`];
  for (const slot of spec.grammar.slots)
    parts.push(...(slot.keyword ? [slot.keyword] : []), SAMPLE[slot.kind]);
  if (spec.grammar.reason !== "no") parts.push("--", "checkout is down");
  return parts.join(" ");
}

describe("the command registry drives parsing, /help and the docs", () => {
  it("names every command once", () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMANDS.length);
    expect(COMMAND_NAMES).toEqual(COMMANDS.map((c) => c.name));
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "/%s is listed in /help with its description",
    (name, spec) => {
      const row = helpText()
        .split("\n")
        .find((l) => l.startsWith(`| \`/${name}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(spec.description);
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "/%s is documented in docs/commands.md as written",
    (_name, spec) => {
      expect(DOCS).toContain(`| \`${spec.usage}\` |`);
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "/%s parses as its grammar says, and formats back",
    (name, spec) => {
      const text = sample(spec);
      const parsed = parseCommand(text);
      expect(parsed).toMatchObject({ kind: "command", command: { name } });
      if (parsed.kind !== "command") return;
      expect(formatCommand(parsed.command)).toBe(text);
      expect(parseCommand(formatCommand(parsed.command))).toEqual(parsed);
    },
  );

  it.each(COMMANDS.filter((c) => c.grammar.required.length > 0).map((c) => [c.name, c] as const))(
    "/%s without its required arguments is refused with its usage",
    (name, spec) => {
      const parsed = parseCommand(`/${name}`);
      expect(parsed).toMatchObject({ kind: "error", name });
      if (parsed.kind === "error") expect(parsed.message).toContain(spec.usage);
    },
  );
});
