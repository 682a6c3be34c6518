import type { Context } from "probot";
import type { GitHubClient } from "../github/client.js";
import { GitHubGateway } from "../github/gateway.js";
import type { AppDeps } from "./deps.js";

/** The gateway for the repository an event is about, authenticated as the installation. */
export function gatewayFor(context: Context, deps: AppDeps): GitHubGateway {
  const { owner, repo } = context.repo();
  const appId = Number(deps.env.APP_ID) || undefined;
  return new GitHubGateway(context.octokit as unknown as GitHubClient, { owner, repo }, appId);
}
