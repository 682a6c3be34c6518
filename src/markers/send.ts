import type { Marker } from "../config/schema/markers.js";
import { expectOk, PermanentError, type RetryOptions, withRetry } from "../notify/retry.js";
import type { Delivery, Fetch } from "../notify/send.js";
import { appliesTo, type Deployed, type MarkerRequest, markerRequests } from "./request.js";

export interface MarkerDeps {
  env: NodeJS.ProcessEnv;
  fetch: Fetch;
  retry?: RetryOptions;
  timeoutMs?: number;
}

function headersOf(request: MarkerRequest, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers = { ...request.headers };
  for (const [name, { env: variable, prefix }] of Object.entries(request.secretHeaders)) {
    const value = env[variable];
    if (!value)
      throw new PermanentError(
        `the environment variable ${variable} (header ${name}) is empty; map it from a secret in the deploy workflow`,
      );
    headers[name] = `${prefix ?? ""}${value}`;
  }
  return headers;
}

async function post(request: MarkerRequest, deps: MarkerDeps): Promise<void> {
  const response = await deps.fetch(request.url, {
    method: request.method,
    headers: headersOf(request, deps.env),
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
  });
  await expectOk(response, request.label);
  if (request.graphql) {
    const data = (await response.json().catch(() => ({}))) as { errors?: { message?: string }[] };
    if (data.errors?.length)
      throw new PermanentError(`${request.label}: ${data.errors.map((e) => e.message).join("; ")}`);
  }
}

/** Records the deployment in every marker that applies to the stage; never throws (see `Delivery`). */
export async function postMarkers(
  markers: readonly Marker[],
  deployed: Deployed,
  deps: MarkerDeps,
): Promise<Delivery[]> {
  const requests = markers
    .filter((m) => appliesTo(m, deployed.stage))
    .flatMap((m) => markerRequests(m, deployed));
  return Promise.all(
    requests.map(async (request) => {
      let attempts = 0;
      try {
        await withRetry((n) => {
          attempts = n;
          return post(request, deps);
        }, deps.retry);
        return { destination: request.label, ok: true, attempts };
      } catch (error) {
        return {
          destination: request.label,
          ok: false,
          attempts,
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
}
