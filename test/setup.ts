import nock from "nock";
import { afterEach, beforeAll, beforeEach } from "vitest";
import { forgetAll } from "../src/github/file-cache.js";
import {
  type GitHubTraffic,
  invalidGitHubRequestsAllowed,
  recordGitHubRequests,
  resetInvalidGitHubRequestsAllowed,
} from "./support/openapi.js";

// No test may reach the internet. Loopback stays open for the real servers tests start (Prometheus, Redis,
// the GitHub stand-in, asset servers).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

// Every GitHub request any test makes in-process is checked against GitHub's OpenAPI description: an
// undocumented endpoint, parameter or body field fails the test (opt out with allowInvalidGitHubRequests()).
let traffic: GitHubTraffic | undefined;
beforeEach(() => {
  forgetAll(); // the App's per-process file cache: each test starts cold
  resetInvalidGitHubRequestsAllowed();
  traffic = recordGitHubRequests();
});

afterEach(async () => {
  const t = traffic;
  traffic = undefined;
  nock.cleanAll();
  if (!t) return;
  await t.settle();
  t.stop();
  if (!invalidGitHubRequestsAllowed()) t.assertValid();
});
