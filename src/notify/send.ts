import { randomUUID } from "node:crypto";
import { IncomingWebhook, IncomingWebhookHTTPError } from "@slack/webhook";
import type { Notify } from "../config/schema/notify.js";
import { type ReleaseEvent, wants } from "./event.js";
import { expectOk, PermanentError, type RetryOptions, withRetry } from "./retry.js";
import { slackMessage } from "./slack-message.js";
import { webhookRequest } from "./webhook.js";

/** The fetch the senders use; the Action passes the global one, tests a loopback-safe one. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface SendDeps {
  /** The deploy job's environment: secrets are read from it by the names the config gives. */
  env: NodeJS.ProcessEnv;
  fetch: Fetch;
  retry?: RetryOptions;
  /** Delivery ids (default: random UUIDs). */
  uuid?: () => string;
  /** Per-request time limit in ms (default 10 s). */
  timeoutMs?: number;
}

export interface Delivery {
  destination: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Where a failure is reported without naming a secret value: the config's names only. */
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function send(
  destination: string,
  work: (n: number) => Promise<void>,
  retry?: RetryOptions,
): Promise<Delivery> {
  let attempts = 0;
  try {
    await withRetry((n) => {
      attempts = n;
      return work(n);
    }, retry);
    return { destination, ok: true, attempts };
  } catch (error) {
    return { destination, ok: false, attempts, error: describe(error) };
  }
}

function secretOf(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value)
    throw new PermanentError(
      `${what}: the environment variable ${name} is empty; map it from a secret in the deploy workflow (env: ${name}: \${{ secrets.${name} }})`,
    );
  return value;
}

/**
 * Sends one event to every configured destination that wants it. Never throws: each destination is tried a few
 * times with backoff (4xx answers are not retried) and its outcome comes back as a `Delivery`.
 */
export async function notify(config: Notify, event: ReleaseEvent, deps: SendDeps): Promise<Delivery[]> {
  const timeout = deps.timeoutMs ?? 10_000;
  const jobs: Promise<Delivery>[] = [];
  const slack = config.slack;
  if (slack && wants(slack.events, event.event)) {
    const name = slack["webhook-secret"];
    jobs.push(
      send(
        `slack (${name})`,
        async () => {
          const url = secretOf(deps.env, name, "slack");
          const hook = new IncomingWebhook(url, {
            fetch: deps.fetch as never,
            timeout,
            retryConfig: { retries: 0 },
          });
          try {
            await hook.send(slackMessage(event, slack.channel));
          } catch (error) {
            if (
              error instanceof IncomingWebhookHTTPError &&
              error.statusCode < 500 &&
              error.statusCode !== 429
            )
              throw new PermanentError(
                `slack answered HTTP ${error.statusCode}: ${error.body.slice(0, 200)}`,
              );
            throw error;
          }
        },
        deps.retry,
      ),
    );
  }
  config.webhooks.forEach((hook, i) => {
    if (!wants(hook.events, event.event)) return;
    const delivery = (deps.uuid ?? randomUUID)();
    const label = hook.url ? `webhook ${new URL(hook.url).host}` : `webhook ${hook["url-secret"]}`;
    jobs.push(
      send(
        `${label} [${i}]`,
        async () => {
          const url = hook.url ?? secretOf(deps.env, hook["url-secret"] ?? "", label);
          const request = webhookRequest(url, secretOf(deps.env, hook.secret, label), event, delivery);
          const response = await deps.fetch(request.url, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(timeout),
            redirect: "error",
          });
          await expectOk(response, label);
        },
        deps.retry,
      ),
    );
  });
  return Promise.all(jobs);
}
