// push webhooks: GitHub's example push, edited into one commit that modified the given files.
import { examplePayload } from "./webhooks.js";

// biome-ignore lint/suspicious/noExplicitAny: a real payload, edited freely by the tests.
type Payload = Record<string, any>;

/** A push of one commit `sha` modifying `files` (the example's ref stays: a test that cares sets `ref`). */
export function pushPayload(sha: string, files: string[]): Payload {
  const payload = examplePayload("push") as unknown as Payload;
  payload.installation = { id: 1, node_id: "x" };
  payload.deleted = false;
  payload.head_commit = { ...(payload.head_commit ?? {}), id: sha, added: [], removed: [], modified: files };
  payload.commits = [{ ...(payload.commits?.[0] ?? {}), id: sha, added: [], removed: [], modified: files }];
  return payload;
}

/** The repository a push names, as the fake GitHub keys it. */
export function pushedRepository(payload: Payload): { owner: string; repo: string } {
  return {
    owner: payload.repository.owner.login ?? payload.repository.owner.name,
    repo: payload.repository.name,
  };
}
