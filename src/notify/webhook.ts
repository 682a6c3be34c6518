import type { ReleaseEvent } from "./event.js";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature } from "./sign.js";

export interface WebhookRequest {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
}

/** The JSON body of a generic webhook: exactly the event's fields, in a stable order. */
export function webhookBody(e: ReleaseEvent): string {
  const { event, release, stage, environment, mode, outcome, targets, at, run_url, pipeline, message, from } =
    e;
  return JSON.stringify({
    event,
    release,
    stage,
    environment,
    mode,
    outcome,
    targets,
    at,
    run_url,
    pipeline,
    message,
    from,
  });
}

/** A signed generic webhook request; `delivery` is a fresh UUID per event (the same across retries). */
export function webhookRequest(
  url: string,
  secret: string,
  e: ReleaseEvent,
  delivery: string,
): WebhookRequest {
  const body = webhookBody(e);
  return {
    url,
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Shipline-Hookshot",
      [EVENT_HEADER]: e.event,
      [DELIVERY_HEADER]: delivery,
      [SIGNATURE_HEADER]: signature(body, secret),
    },
    body,
  };
}
