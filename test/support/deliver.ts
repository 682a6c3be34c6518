// Delivering webhook events to a test Probot: any event by name, and the tick workflow's completed run (the
// stateless clock's wake-up) for the fake repository.
import type { Probot } from "probot";
import { releasePublishedPayload } from "./fake-conversation.js";
import { examplePayload } from "./webhooks.js";

/** Delivers one event with a fresh delivery id, or `id` (a redelivery of the same event reuses its id). */
export function deliver(
  probot: Probot,
  name: string,
  payload: object,
  id = Math.random().toString(16).slice(2),
): Promise<void> {
  return probot.receive({
    id,
    name: name as "release",
    payload: payload as never,
  });
}

/** GitHub's example workflow_run.completed, edited into a run of the repository's shipline-tick.yml. */
export function tickPayload(tag: string): object {
  // biome-ignore lint/suspicious/noExplicitAny: a real payload, edited.
  const payload = examplePayload("workflow_run", "completed") as any;
  payload.installation = { id: 1, node_id: "x" };
  payload.repository = releasePublishedPayload(tag, "alice").repository;
  payload.workflow_run.path = ".github/workflows/shipline-tick.yml";
  return payload;
}
