// Artifacts: Shipline's download + verify + extract of a large tar.gz from a loopback server, beside
// `curl | tee | sha256sum` and `tar -xzf` of the same file, each in its own process under /usr/bin/time -v.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { median, type Row, row, type Section } from "./report.js";

const MiB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, "..");
const TIME = "/usr/bin/time";

interface Measured {
  ms: number;
  maxRssKiB: number;
  detail?: Record<string, unknown>;
}

/** A tar.gz of `sizeMiB` MiB of random bytes in 1 MiB files (incompressible: gzip stores what it cannot shrink). */
function makeTarball(dir: string, sizeMiB: number): string {
  const src = join(dir, `src-${sizeMiB}`);
  mkdirSync(src, { recursive: true });
  for (let i = 0; i < sizeMiB; i++) {
    const sub = join(src, `d${Math.floor(i / 64)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.bin`), randomBytes(MiB));
  }
  const out = join(dir, `app-${sizeMiB}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-C", src, "."]);
  rmSync(src, { recursive: true, force: true });
  return out;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

interface Served {
  server: Server;
  apiUrl: string;
  downloadUrl: string;
}

/** GitHub's shape: the asset API URL answers 302 to storage, storage streams the bytes. */
async function serve(tarball: string, checksums: Buffer): Promise<Served> {
  const size = statSync(tarball).size;
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/api/v3/repos/acme/web/releases/assets/1")
      return void res.writeHead(302, { location: "/storage/app.tar.gz" }).end();
    if (path === "/api/v3/repos/acme/web/releases/assets/2")
      return void res.writeHead(302, { location: "/storage/SHA256SUMS" }).end();
    if (path === "/storage/app.tar.gz") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
      return void createReadStream(tarball).pipe(res);
    }
    if (path === "/storage/SHA256SUMS") {
      return void res.writeHead(200, { "content-length": String(checksums.length) }).end(checksums);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    downloadUrl: `http://127.0.0.1:${port}/storage/app.tar.gz`,
  };
}

/** Runs a command under /usr/bin/time -v (peak RSS of the largest process) and times it from here. */
function timed(cmd: string, args: string[]): Promise<{ ms: number; maxRssKiB: number; stdout: string }> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(TIME, ["-v", cmd, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      if (code !== 0)
        return fail(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      done({ ms, maxRssKiB: rss ? Number(rss[1]) : Number.NaN, stdout });
    });
  });
}

/** Bundles the child with esbuild so it runs on plain node (no tsx loader in the measured process). */
async function bundleChild(dir: string): Promise<string> {
  const out = join(dir, "artifacts-child.mjs");
  await build({
    entryPoints: [join(ROOT, "bench/artifacts-child.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile: out,
    logLevel: "error",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return out;
}

async function measureSize(
  dir: string,
  child: string,
  sizeMiB: number,
  runs: number,
): Promise<{ rows: Row[]; detail: unknown }> {
  const tarball = makeTarball(dir, sizeMiB);
  const bytes = statSync(tarball).size;
  const sha = await sha256File(tarball);
  const checksums = Buffer.from(`${sha}  app-1.0.0.tar.gz\n`);
  const release = {
    id: 1,
    tag_name: "v1.0.0",
    assets: [
      {
        id: 1,
        name: "app-1.0.0.tar.gz",
        size: bytes,
        digest: `sha256:${sha}`,
        state: "uploaded",
        uploader: { login: "github-actions[bot]", type: "Bot" },
      },
      {
        id: 2,
        name: "SHA256SUMS",
        size: checksums.length,
        digest: null,
        state: "uploaded",
        uploader: { login: "github-actions[bot]", type: "Bot" },
      },
    ],
  };
  const releaseFile = join(dir, "release.json");
  writeFileSync(releaseFile, JSON.stringify(release));
  const served = await serve(tarball, checksums);
  const shipline: Measured[] = [];
  const baseline: Measured[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate the order so page cache and CPU frequency favour neither side.
      const order = i % 2 === 0 ? ["shipline", "baseline"] : ["baseline", "shipline"];
      for (const which of order) {
        const work = join(dir, `work-${which}`);
        const dest = join(dir, `dest-${which}`);
        rmSync(work, { recursive: true, force: true });
        rmSync(dest, { recursive: true, force: true });
        if (which === "shipline") {
          const r = await timed(process.execPath, [
            child,
            served.apiUrl,
            "acme/web",
            releaseFile,
            work,
            dest,
          ]);
          const out = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
          if ((out.sha256 as string[] | undefined)?.[0] !== sha)
            throw new Error("Shipline's sha256 differs from the file's");
          shipline.push({ ms: r.ms, maxRssKiB: r.maxRssKiB, detail: out });
        } else {
          mkdirSync(work, { recursive: true });
          mkdirSync(dest, { recursive: true });
          const file = join(work, "app.tar.gz");
          const script = `set -eo pipefail; curl -sfL '${served.downloadUrl}' | tee '${file}' | sha256sum; tar -xzf '${file}' -C '${dest}'`;
          const r = await timed("bash", ["-c", script]);
          if (!r.stdout.startsWith(sha)) throw new Error(`baseline sha256 differs: ${r.stdout}`);
          baseline.push({ ms: r.ms, maxRssKiB: r.maxRssKiB });
        }
        const extracted = execFileSync("du", ["-sb", dest], { encoding: "utf8" }).split("\t")[0];
        if (Number(extracted) < sizeMiB * MiB) throw new Error(`${which}: extracted only ${extracted} bytes`);
        rmSync(work, { recursive: true, force: true });
        rmSync(dest, { recursive: true, force: true });
      }
    }
  } finally {
    served.server.closeAllConnections();
    served.server.close();
    rmSync(tarball, { force: true });
  }
  const ms = median(shipline.map((m) => m.ms));
  const base = median(baseline.map((m) => m.ms));
  const rss = Math.max(...shipline.map((m) => m.maxRssKiB)) / 1024;
  const baseRss = Math.max(...baseline.map((m) => m.maxRssKiB)) / 1024;
  const label = sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
  return {
    rows: [
      row({
        name: `${label}: download+verify+extract (median of ${runs})`,
        value: ms / 1000,
        unit: "s",
        baseline: base / 1000,
        baselineLabel: "curl|tee|sha256sum; tar -xzf",
        target: "<= 1.3x",
        met: ms / base <= 1.3,
      }),
      row({
        name: `${label}: peak RSS`,
        value: rss,
        unit: "MiB",
        baseline: baseRss,
        baselineLabel: "largest baseline process",
        target: "< 150 MiB",
        met: rss < 150,
      }),
    ],
    detail: {
      sizeMiB,
      tarballBytes: bytes,
      files: sizeMiB,
      shipline: shipline.map((m) => ({
        ms: m.ms,
        maxRssKiB: m.maxRssKiB,
        downloadVerifyMs: m.detail?.downloadVerifyMs,
        extractMs: m.detail?.extractMs,
      })),
      baseline,
    },
  };
}

export async function artifactsBench(sizesMiB: number[], runs: number): Promise<Section> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: apt-get install time`);
  const dir = mkdtempSync(join(tmpdir(), "shipline-bench-artifacts-"));
  try {
    const child = await bundleChild(dir);
    const rows: Row[] = [];
    const details: unknown[] = [];
    for (const size of sizesMiB) {
      const r = await measureSize(dir, child, size, size >= 1024 ? Math.max(1, Math.min(runs, 2)) : runs);
      rows.push(...r.rows);
      details.push(r.detail);
    }
    return {
      title: "Artifacts: download + verify + extract from a loopback server",
      rows,
      detail: { sizes: details },
      notes: [
        "tarball: 1 MiB files of random bytes, packed by `tar -czf` (GNU tar + gzip -6); served as GitHub does (API URL 302 -> storage)",
        "Shipline: fetchVerifiedRelease (SHA256SUMS + GitHub digest) then unpackRelease, in a plain-node child bundled by esbuild",
        "peak RSS from /usr/bin/time -v (the largest single process of the command)",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
