/** `--name value` and `--flag` pairs after the command; anything else is an error the user sees. */
export function parseFlags(
  args: readonly string[],
  known: readonly string[],
): { ok: true; flags: Record<string, string> } | { ok: false; error: string } {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!m || !known.includes(m[1]!)) return { ok: false, error: `unknown argument ${arg}` };
    const value = m[2] ?? args[++i];
    if (value === undefined || value.startsWith("--")) return { ok: false, error: `--${m[1]} needs a value` };
    flags[m[1]!] = value;
  }
  return { ok: true, flags };
}
