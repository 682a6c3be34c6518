import nock from "nock";
import { afterEach, beforeAll } from "vitest";

// No test may reach the internet. Loopback stays open for the real servers tests start (Prometheus, Redis,
// the GitHub stand-in, asset servers).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});
