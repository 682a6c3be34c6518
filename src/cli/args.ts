import { nearest } from "../config/suggest.js";

function unknown(arg: string, known: readonly string[]): string {
  const name = /^--?([^=]*)/.exec(arg)?.[1] ?? arg;
  const guess = arg.startsWith("-") ? nearest(name, known) : undefined;
  return `unknown argument ${arg}${guess ? ` (did you mean --${guess}?)` : ""}`;
}

/** `--name value` and `--flag` pairs after the command; anything else is an error the user sees. */
export function parseFlags(
  args: readonly string[],
  known: readonly string[],
): { ok: true; flags: Record<string, string> } | { ok: false; error: string } {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!m || !known.includes(m[1]!)) return { ok: false, error: unknown(arg, known) };
    const value = m[2] ?? args[++i];
    if (value === undefined || value.startsWith("--")) return { ok: false, error: `--${m[1]} needs a value` };
    flags[m[1]!] = value;
  }
  return { ok: true, flags };
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string>;
  switches: Set<string>;
  /** Words after a lone `--` (a reason), joined by spaces. */
  rest?: string;
}

/** Positionals, `--name value` / `--name=value` flags and `--switch`es, in any order; `--` ends them. */
export function parseArgs(
  args: readonly string[],
  spec: { values?: readonly string[]; switches?: readonly string[]; positionals?: number },
): { ok: true; args: ParsedArgs } | { ok: false; error: string } {
  const values = spec.values ?? [];
  const switches = spec.switches ?? [];
  const out: ParsedArgs = { positionals: [], flags: {}, switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.rest = args.slice(i + 1).join(" ");
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    const name = m?.[1];
    if (name && switches.includes(name) && m[2] === undefined) {
      out.switches.add(name);
      continue;
    }
    if (!name || !values.includes(name)) return { ok: false, error: unknown(arg, [...values, ...switches]) };
    const value = m[2] ?? args[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith("--")))
      return { ok: false, error: `--${name} needs a value` };
    out.flags[name] = value;
  }
  if (spec.positionals !== undefined && out.positionals.length > spec.positionals)
    return { ok: false, error: `unexpected argument ${out.positionals[spec.positionals]}` };
  return { ok: true, args: out };
}
