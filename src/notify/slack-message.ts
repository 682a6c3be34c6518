import type { IncomingWebhookSendArguments } from "@slack/webhook";
import type { ReleaseEvent } from "./event.js";

type Block = NonNullable<IncomingWebhookSendArguments["blocks"]>[number];

const ICON: Record<string, string> = {
  "stage.started": ":rocket:",
  "stage.succeeded": ":white_check_mark:",
  "stage.failed": ":x:",
  "rollback.started": ":leftwards_arrow_with_hook:",
  "rollback.succeeded": ":leftwards_arrow_with_hook:",
  "rollback.failed": ":rotating_light:",
  "verify.started": ":mag:",
  "verify.succeeded": ":white_check_mark:",
  "verify.failed": ":x:",
};

/** Slack mrkdwn needs &, < and > escaped in text that comes from elsewhere. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One line a person reads in the channel (also the notification text on phones). */
export function headline(e: ReleaseEvent): string {
  const r = `\`${e.release}\``;
  const where = `*${e.stage}* (\`${e.environment}\`)`;
  // A canary moves part of its environment: say which part, never "deployed to production".
  const part =
    e.environment_targets && e.targets.length > 0 && e.targets.length < e.environment_targets
      ? `${e.targets.length} of ${e.environment_targets}`
      : undefined;
  switch (e.event) {
    case "stage.started":
      return part
        ? `${r} is deploying to ${part} \`${e.environment}\` hosts (*${e.stage}*)`
        : `${r} is deploying to ${where}`;
    case "stage.succeeded":
      return part
        ? `${r} is live on ${part} \`${e.environment}\` hosts (*${e.stage}*)`
        : `${r} is deployed to ${where}`;
    case "stage.failed":
      return `${r} failed in ${where}`;
    case "rollback.started":
      return part
        ? `Rolling the *${e.stage}* hosts (${part} in \`${e.environment}\`) back to ${r}${e.from ? ` from \`${e.from}\`` : ""}`
        : `Rolling ${where} back to ${r}${e.from ? ` from \`${e.from}\`` : ""}`;
    case "rollback.succeeded":
      return part
        ? `The *${e.stage}* hosts (${part} in \`${e.environment}\`) run ${r} again${e.from ? ` instead of \`${e.from}\`` : ""}`
        : `${where} is rolled back to ${r}${e.from ? ` from \`${e.from}\`` : ""}`;
    case "rollback.failed":
      return `Rollback of ${where} to ${r} failed: fix it by hand`;
    case "verify.started":
      return `Verifying ${r} in ${where}`;
    case "verify.succeeded":
      return `${r} passed verification in ${where}`;
    case "verify.failed":
      return `${r} failed verification in ${where}`;
  }
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
  channel?: string;
}

/** The Slack message for an event: a text fallback plus blocks with the targets, the reason and the run link. */
export function slackMessage(e: ReleaseEvent, channel?: string): SlackMessage {
  const text = `${ICON[e.event] ?? ""} ${headline(e)}`.trim();
  const fields = [
    `*Release*\n\`${e.release}\``,
    `*Stage*\n${e.stage} (${e.environment})`,
    ...(e.targets.length
      ? [
          `*Targets*\n${slackEscape(e.targets.slice(0, 20).join(", "))}${e.targets.length > 20 ? ` and ${e.targets.length - 20} more` : ""}`,
        ]
      : []),
    ...(e.pipeline !== "default" ? [`*Pipeline*\n${e.pipeline}`] : []),
  ];
  const blocks: Block[] = [
    { type: "section", text: { type: "mrkdwn", text } },
    { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: f })) },
  ];
  if (e.message && e.outcome !== "started")
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: slackEscape(e.message).slice(0, 2_900) },
    });
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `${e.at}${e.run_url ? ` · <${e.run_url}|deploy job>` : ""}`,
      },
    ],
  });
  return { text, blocks, ...(channel ? { channel } : {}) };
}
