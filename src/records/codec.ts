import { z } from "zod";

/**
 * The one codec of the records Shipline keeps on GitHub (its database: check-run summaries, the lock variable,
 * comments) as one-line HTML comments, `<!-- shipline:lock {...} -->`, invisible in rendered Markdown. Every
 * kind has a schema here; every writer encodes and every reader decodes through this file. Decoding treats the
 * text as hostile: bounded sizes, every field validated, anything odd ignored.
 *
 * Versions: a record without `v` is version 1. A later change to a kind's shape adds `v: 2` and a second
 * schema for that kind, and the decoder keeps reading version 1, so records written by an older App still read.
 */

/** Largest text scanned for records (a check-run summary is at most 65535 characters). */
export const MAX_SCAN = 70_000;
/** Largest JSON body of one record (org-defaults carries a whole file and has its own bound). */
export const MAX_RECORD = 4_096;
const MAX_LARGE_RECORD = 48_000;

const Login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/);
const Tag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}$/);
const Reason = z.string().max(1_000);
const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const RunId = z.number().int().positive();
const Version = z.literal(1).optional();

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
  /** On the release's check run when the pipeline starts: who published it (for four-eyes). */
  release: z.strictObject({
    v: Version,
    tag: Tag,
    author: z.union([Login, z.literal("")]),
    authorType: z.enum(["User", "Bot", "Organization"]).optional(),
    prerelease: z.boolean().optional(),
  }),
  /** On a stage's check run once GitHub started its deploy run. */
  dispatched: z.strictObject({ v: Version, run: RunId.optional(), at: Instant.optional() }),
  /** On a stage's check run whose verification could not decide. */
  inconclusive: z.strictObject({ v: Version, stage: Name }),
  /** On the release's check run after a rollback of one of its stages. */
  "rolled-back": z.strictObject({ v: Version, to: Tag, stage: Name, at: Instant.optional() }),
  "rollback-failed": z.strictObject({ v: Version, to: Tag, stage: Name, at: Instant.optional() }),
  /** On a stage's check run while a deploy job waits for approvals in the protection rule. */
  "awaiting-approval": z.strictObject({ v: Version, run: RunId, environment: Name }),
  /**
   * On the release's check run while its first writes wait for the installation's write budget (GitHub's
   * secondary limit): the pipeline has not started yet. Replaced when it starts.
   */
  "budget-wait": z.strictObject({ v: Version, at: Instant, ahead: z.number().int().min(0).max(1_000_000) }),
  /** On a stage's check run while its rollout waits for a closed gate (nothing was dispatched). */
  held: z.strictObject({
    v: Version,
    release: Tag,
    stage: Name,
    gates: z.array(Name).max(20),
    at: Instant,
    until: Instant.optional(),
    reason: Reason.optional(),
  }),
  /**
   * On a stage's check run from the moment its rollout succeeded while its bake runs on the App's clock: when the
   * stage went live (the bake is measured from here).
   */
  baking: z.strictObject({ v: Version, since: Instant }),
  /**
   * On a baking stage's check run, one per verification round of the bake (round k is due at since + k x
   * interval): `dispatched` while its short verify job runs, then what that job found.
   */
  round: z.strictObject({
    v: Version,
    k: z.number().int().min(0).max(100_000),
    outcome: z.enum(["dispatched", "passed", "failed", "inconclusive"]),
    at: Instant,
  }),
  /**
   * The last line of a deploy job's verdict annotation (its last error, written by the Action): the environment
   * and its previous good release as the job found it by the shared rule (pipeline/previous-release.ts), `null`
   * when there is none, absent when the job did not look. The App takes the rollback target from here instead
   * of reading the deployments again, after checking it (previous-release.ts `reportedTarget`).
   */
  verdict: z.strictObject({ v: Version, environment: Name, previous: Tag.nullable().optional() }),
  pause: z.strictObject({ v: Version, by: Login }),
  resume: z.strictObject({ v: Version, by: Login }),
  /**
   * On the release's check run: the organisation defaults the App merged into the config (base64 of the
   * org's .github/shipline.yml at that time), so the deploy job, whose token cannot read the org's `.github`
   * repository, resolves the very same config.
   */
  "org-defaults": z.strictObject({ v: Version, repo: z.string().max(200), text: z.base64().max(44_000) }),
} as const;

/** Kinds whose body may exceed MAX_RECORD. */
const LARGE: ReadonlySet<string> = new Set(["org-defaults"]);
const limitOf = (kind: string) => (LARGE.has(kind) ? MAX_LARGE_RECORD : MAX_RECORD);

export type RecordKind = keyof typeof SCHEMAS;
export const RECORD_KINDS = Object.keys(SCHEMAS) as RecordKind[];
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
  if (json.length > limitOf(kind))
    throw new Error(`shipline:${kind} record is larger than ${limitOf(kind)} characters`);
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
    const window = hay.slice(bodyStart, bodyStart + limitOf(kind) + SUFFIX.length);
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

/** Every valid record of the given kinds, in the order they appear (e.g. the last of pause/resume wins). */
export function decodeInOrder<K extends RecordKind>(
  kinds: readonly K[],
  text: unknown,
): { kind: K; record: RecordOf<K>; index: number }[] {
  if (typeof text !== "string") return [];
  const found = kinds.flatMap((kind) => {
    const records = decodeRecords(kind, text);
    // Positions of this kind's markers, matched to the records in order (invalid markers are skipped below).
    const out: { kind: K; record: RecordOf<K>; index: number }[] = [];
    let from = 0;
    for (const record of records) {
      const at = text.indexOf(`${PREFIX}${kind} `, from);
      out.push({ kind, record, index: at });
      from = at + 1;
    }
    return out;
  });
  return found.sort((a, b) => a.index - b.index);
}

/** Whether the text holds at least one valid record of this kind. */
export function hasRecord(kind: RecordKind, text: unknown): boolean {
  return decodeRecords(kind, text).length > 0;
}

/** The lines of a text that are records (any kind, valid or not): what a rewrite of a summary carries over. */
export function recordLines(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.match(/^<!-- shipline:[a-z][a-z-]* .*-->$/gm) ?? [])];
}

export const encodeLock = (r: LockRecord) => encodeRecord("lock", r);
export const decodeLock = (text: unknown) => decodeRecord("lock", text);
export const encodeApproval = (r: ApprovalRecord) => encodeRecord("approval", r);
export const decodeApprovals = (text: unknown) => decodeRecords("approval", text);
export const encodeHotfix = (r: HotfixRecord) => encodeRecord("hotfix", r);
export const decodeHotfix = (text: unknown) => decodeRecord("hotfix", text);
