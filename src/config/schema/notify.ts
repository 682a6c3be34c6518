import { z } from "zod";

export const Notify = z
  .strictObject({
    slack: z
      .strictObject({
        "webhook-secret": z.string().default("SLACK_WEBHOOK_URL"),
        channel: z.string().optional(),
      })
      .optional(),
    webhooks: z
      .array(z.strictObject({ url: z.string().url(), "secret-name": z.string().optional() }))
      .default([]),
  })
  .describe("Where release events are announced.");
export type Notify = z.infer<typeof Notify>;
