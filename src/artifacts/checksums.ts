/**
 * Parses a checksum file in `sha256sum` format ("<64 hex>  <name>", with "*" before the name in binary mode)
 * into name -> lower-case hex. Lines that are not checksum lines are ignored; a name listed twice with two
 * different sums is reported, as nobody can tell which one is right.
 */
export function parseChecksums(text: string): { sums: Map<string, string>; conflicts: string[] } {
  const sums = new Map<string, string>();
  const conflicts: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *]?(.+)$/.exec(line.trim());
    if (!m) continue;
    const sum = m[1]!.toLowerCase();
    const name = m[2]!.trim().replace(/^\.\//, "");
    const seen = sums.get(name);
    if (seen !== undefined && seen !== sum) conflicts.push(name);
    sums.set(name, sum);
  }
  return { sums, conflicts };
}

/** GitHub's asset digest ("sha256:<hex>") as lower-case hex, or undefined for other algorithms or none. */
export function githubDigest(digest: string | null | undefined): string | undefined {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(digest ?? "");
  return m ? m[1]!.toLowerCase() : undefined;
}
