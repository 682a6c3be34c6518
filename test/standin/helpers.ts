// Shared set-up for the stand-in's own tests: a started stand-in, an authenticated Octokit, a webhook receiver.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import type { RunningStandin, StandinOptions } from "../../tools/standin/index.js";
import { startStandin } from "../../tools/standin/index.js";

export const REPO = "acme/web";
export const SECRET = "s3cret";

export interface Received {
  event: string;
  delivery: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  signatureValid: boolean;
}

/** A tiny loopback App stand-in that verifies X-Hub-Signature-256 and records every delivery. */
export async function startReceiver(
  secret = SECRET,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
      const given = Buffer.from(String(req.headers["x-hub-signature-256"] ?? ""));
      const payload = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      received.push({
        event: String(req.headers["x-github-event"]),
        delivery: String(req.headers["x-github-delivery"]),
        action: typeof payload.action === "string" ? payload.action : undefined,
        payload,
        signatureValid: expected.length === given.length && timingSafeEqual(expected, given),
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function standinWithToken(
  options: Partial<StandinOptions> = {},
): Promise<{ gh: RunningStandin; octokit: Octokit; token: string }> {
  const gh = await startStandin({ repo: REPO, webhookSecret: SECRET, ...options });
  // Authenticate like a GitHub App: a JWT for /app endpoints, then an installation token.
  const asApp = new Octokit({
    baseUrl: gh.apiUrl,
    auth: "header.payload.signature",
    request: { fetch: httpFetch },
  });
  const { data } = await asApp.apps.createInstallationAccessToken({
    installation_id: gh.standin.installationId,
  });
  const octokit = new Octokit({ baseUrl: gh.apiUrl, auth: data.token, request: { fetch: httpFetch } });
  return { gh, octokit, token: data.token };
}
