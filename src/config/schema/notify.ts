import { z } from "zod";

/** Secret names are environment variables of the deploy job (mapped from repository/environment secrets). */
const SecretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected the name of an environment variable, e.g. SLACK_WEBHOOK_URL");

export const NOTIFY_EVENTS = [
  "stage.started",
  "stage.succeeded",
  "stage.failed",
  "rollback.started",
  "rollback.succeeded",
  "rollback.failed",
  "verify.started",
  "verify.succeeded",
  "verify.failed",
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

const Events = z
  .array(z.enum(NOTIFY_EVENTS))
  .optional()
  .describe("Events to send (default: all). e.g. [stage.failed, rollback.started]");

export const SlackNotify = z.strictObject({
  "webhook-secret": SecretName.default("SLACK_WEBHOOK_URL").describe(
    "Name of the environment variable holding the Slack incoming webhook URL (never the URL itself).",
  ),
  channel: z.string().optional().describe("Channel override, e.g. #deploys (legacy webhooks only)."),
  events: Events,
});

export const WebhookNotify = z
  .strictObject({
    url: z.string().url().optional().describe("Receiver URL (when it is not itself a secret)."),
    "url-secret": SecretName.optional().describe(
      "Name of the environment variable holding the receiver URL.",
    ),
    secret: SecretName.describe(
      "Name of the environment variable holding the HMAC-SHA256 key; the body is signed in X-Shipline-Signature-256.",
    ),
    events: Events,
  })
  .refine((w) => (w.url === undefined) !== (w["url-secret"] === undefined), {
    message: "give exactly one of `url` and `url-secret`",
  });

export const Notify = z
  .strictObject({
    slack: SlackNotify.optional(),
    webhooks: z.array(WebhookNotify).default([]).describe("Generic JSON webhooks, signed with HMAC-SHA256."),
  })
  .describe(
    "Where release events are announced. Sent by the Action from the deploy job; a failed notification never fails a deploy.",
  );
export type Notify = z.infer<typeof Notify>;
