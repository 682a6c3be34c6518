import { z } from "zod";

/**
 * Records Shipline keeps on GitHub (in check-run outputs, deployment statuses and comments) as one-line HTML
 * comments, `<!-- shipline:lock {...} -->`, invisible in rendered Markdown. Decoding treats the text as
 * hostile: bounded sizes, every field validated, anything odd ignored.
 */

/** Largest text scanned for records (a check-run summary is at most 65535 characters). */
export const MAX_SCAN = 70_000;
/** Largest JSON body of one record. */
export const MAX_RECORD = 4_096;

const Login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/);
const Tag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}$/);
const Reason = z.string().max(1_000);
const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const SCHEMAS = {
  lock: z.strictObject({
    environment: Name,
    owner: Login,
    reason: Reason,
    at: Instant.optional(),
    expiresAt: Instant.optional(),
  }),
  unlock: z.strictObject({ environment: Name, by: Login, at: Instant }),
  approval: z.strictObject({ login: Login, stage: Name, release: Tag, at: Instant }),
  hotfix: z.strictObject({
    release: Tag,
    by: Login,
    reason: Reason.min(1),
    at: Instant,
    stage: Name.optional(),
  }),
  command: z.strictObject({
    command: z.string().max(500),
    actor: Login,
    at: Instant,
    outcome: z.enum(["accepted", "refused", "failed"]),
    release: Tag.optional(),
    stage: Name.optional(),
  }),
} as const;

export type RecordKind = keyof typeof SCHEMAS;
export type RecordOf<K extends RecordKind> = z.output<(typeof SCHEMAS)[K]>;
export type LockRecord = RecordOf<"lock">;
export type ApprovalRecord = RecordOf<"approval">;
export type HotfixRecord = RecordOf<"hotfix">;
export type UnlockRecord = RecordOf<"unlock">;
export type CommandRecord = RecordOf<"command">;

const PREFIX = "<!-- shipline:";
const SUFFIX = " -->";

/** JSON that cannot end an HTML comment nor break a line: `--`, `<`, `>` and line separators are escaped. */
function safeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Date ? v.toISOString() : v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/--/g, "-\\u002d")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The one-line marker for a record; throws if the record is invalid (a programming error, not user input). */
export function encodeRecord<K extends RecordKind>(
  kind: K,
  record: z.input<(typeof SCHEMAS)[K]> | RecordOf<K>,
): string {
  const plain = JSON.parse(JSON.stringify(record)) as unknown;
  SCHEMAS[kind].parse(plain);
  const json = safeJson(plain);
  if (json.length > MAX_RECORD)
    throw new Error(`shipline:${kind} record is larger than ${MAX_RECORD} characters`);
  return `${PREFIX}${kind} ${json}${SUFFIX}`;
}

/** Every valid record of this kind in the text, in order; invalid or oversized markers are skipped. */
export function decodeRecords<K extends RecordKind>(kind: K, text: unknown): RecordOf<K>[] {
  if (typeof text !== "string") return [];
  const hay = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const marker = `${PREFIX}${kind} `;
  const out: RecordOf<K>[] = [];
  let from = 0;
  for (let guard = 0; guard < 1_000; guard++) {
    const start = hay.indexOf(marker, from);
    if (start < 0) break;
    const bodyStart = start + marker.length;
    // A record is short and on one line: look for its end only that far, and after a bad marker resume right
    // behind it, so an unclosed or forged marker cannot hide the records that follow.
    from = bodyStart;
    const window = hay.slice(bodyStart, bodyStart + MAX_RECORD + SUFFIX.length);
    const end = window.indexOf(SUFFIX);
    if (end < 0) continue;
    const body = window.slice(0, end);
    if (/[\r\n]/.test(body)) continue;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      continue;
    }
    const parsed = SCHEMAS[kind].safeParse(json);
    if (!parsed.success) continue;
    out.push(parsed.data as RecordOf<K>);
    from = bodyStart + end + SUFFIX.length;
  }
  return out;
}

/** The last valid record of this kind in the text (the newest, when records are appended). */
export function decodeRecord<K extends RecordKind>(kind: K, text: unknown): RecordOf<K> | undefined {
  return decodeRecords(kind, text).at(-1);
}

export const encodeLock = (r: LockRecord) => encodeRecord("lock", r);
export const decodeLock = (text: unknown) => decodeRecord("lock", text);
export const encodeApproval = (r: ApprovalRecord) => encodeRecord("approval", r);
export const decodeApprovals = (text: unknown) => decodeRecords("approval", text);
export const encodeHotfix = (r: HotfixRecord) => encodeRecord("hotfix", r);
export const decodeHotfix = (text: unknown) => decodeRecord("hotfix", text);
