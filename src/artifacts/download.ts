import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ArtifactError } from "./errors.js";

export type Fetch = typeof fetch;

export interface DownloadRequest {
  /** The asset's API URL: GET {api}/repos/{owner}/{repo}/releases/assets/{id}. */
  url: string;
  token?: string;
  /** Where the bytes go; the file is removed again when the download fails. */
  dest: string;
  /** The size GitHub reports for the asset: fewer or more bytes is a damaged download. */
  expectedSize: number;
  maxBytes: number;
  name: string;
  /** Longest the download may go without receiving a byte (headers included); default 60 s. */
  stallMs?: number;
}

export interface Downloaded {
  path: string;
  sha256: string;
  bytes: number;
}

const MAX_REDIRECTS = 5;
const DEFAULT_STALL_MS = 60_000;

/** An abort signal that fires when `kick` has not been called for `ms`; `stop` ends it. */
function stallGuard(ms: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error("stalled")), ms);
  };
  kick();
  return { signal: controller.signal, kick, stop: () => clearTimeout(timer) };
}

/**
 * Fetches an asset's bytes. GitHub answers the asset URL with a redirect to a pre-signed storage URL; the token
 * goes with the API request only, never with a redirect.
 */
async function openAsset(
  fetchImpl: Fetch,
  request: DownloadRequest,
  signal: AbortSignal,
  kick: () => void,
): Promise<Response> {
  let url = request.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { accept: "application/octet-stream", "user-agent": "shipline" };
    if (request.token && hop === 0) headers.authorization = `Bearer ${request.token}`;
    const response = await fetchImpl(url, { headers, redirect: "manual", signal });
    kick();
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ArtifactError(`downloading ${request.name} failed: HTTP ${response.status} from ${url}`);
    }
    return response;
  }
  throw new ArtifactError(`downloading ${request.name}: more than ${MAX_REDIRECTS} redirects`);
}

/**
 * Streams an asset to disk while hashing it, so memory stays flat whatever its size. Refuses a download that is
 * larger than `maxBytes` (stopping as soon as it is) or whose length differs from the asset's size.
 */
export async function downloadAsset(fetchImpl: Fetch, request: DownloadRequest): Promise<Downloaded> {
  if (request.expectedSize > request.maxBytes)
    throw new ArtifactError(
      `${request.name} is ${request.expectedSize} bytes, over artifacts.max-size (${request.maxBytes}).`,
    );
  const stallMs = request.stallMs ?? DEFAULT_STALL_MS;
  const guard = stallGuard(stallMs);
  const stalled = () =>
    new ArtifactError(
      `${request.name}: the download stalled (no data for ${Math.round(stallMs / 1000)} s after ${bytes} of ${request.expectedSize} bytes); nothing was deployed. Run the job again; if it keeps stalling, check the runner's network to GitHub's asset storage.`,
    );
  let bytes = 0;
  let response: Response;
  try {
    response = await openAsset(fetchImpl, request, guard.signal, guard.kick);
  } catch (error) {
    guard.stop();
    if (guard.signal.aborted) throw stalled();
    throw error;
  }
  const hash = createHash("sha256");
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      guard.kick();
      bytes += chunk.length;
      if (bytes > request.maxBytes || bytes > request.expectedSize) {
        done(new ArtifactError(`${request.name}: the download is larger than the asset's size; refused.`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(request.dest, { flags: "wx", mode: 0o600 }),
    );
  } catch (error) {
    await rm(request.dest, { force: true });
    if (error instanceof ArtifactError) throw error;
    if (guard.signal.aborted) throw stalled();
    throw new ArtifactError(
      `${request.name}: the download was interrupted after ${bytes} of ${request.expectedSize} bytes (${error instanceof Error ? error.message : String(error)}); nothing was deployed. Run the job again.`,
    );
  } finally {
    guard.stop();
  }
  if (bytes !== request.expectedSize) {
    await rm(request.dest, { force: true });
    throw new ArtifactError(
      `${request.name}: truncated download (${bytes} of ${request.expectedSize} bytes); nothing was deployed. Run the job again.`,
    );
  }
  return { path: request.dest, sha256: hash.digest("hex"), bytes };
}
