/**
 * A per-process cache of file reads (config files), so repeated reads are conditional requests: GitHub
 * answers 304 Not Modified to a matching ETag, and 304s do not count against the rate limit. A file that
 * does not exist (the organisation has no defaults, the usual case) is remembered for a short while.
 * This is a cache, not state: losing it costs requests, never correctness.
 */
export interface CachedFile {
  etag?: string;
  text?: string;
  /** When a 404 was seen (epoch ms); absent for files that exist. */
  missingAt?: number;
}

const MAX_ENTRIES = 500;
export const MISSING_TTL_MS = 60_000;
const entries = new Map<string, CachedFile>();

export function cached(key: string): CachedFile | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  // Refresh recency (a Map iterates in insertion order: the oldest entry is first).
  entries.delete(key);
  entries.set(key, entry);
  return entry;
}

export function remember(key: string, entry: CachedFile): void {
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
}

export function forgetAll(): void {
  entries.clear();
}
