// A GitHub stand-in for tests: a stateful loopback HTTP server speaking the REST endpoints Shipline uses, checked
// against GitHub's OpenAPI description, delivering signed webhooks and running dispatched workflows.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handle } from "./server.js";
import type { StandinOptions } from "./standin.js";
import { Standin } from "./standin.js";

export type { Delivery, ReleaseInput, Runner, StandinOptions, WorkflowJob } from "./standin.js";
export type { Account, Permission, RepoState } from "./state.js";
export { Standin };

export interface RunningStandin {
  /** Web root, e.g. http://127.0.0.1:PORT (GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http). */
  url: string;
  /** REST root: `${url}/api/v3`. */
  apiUrl: string;
  standin: Standin;
  /** In-memory state per repository ("owner/name", lower case). */
  state: Standin["repos"];
  /** Shortcut for standin.deliver: POSTs a signed webhook to the App. */
  deliver: Standin["deliver"];
  /** Every problem found: invalid requests, invalid responses, invalid webhook payloads, runner errors. */
  violations: string[];
  /** Throws listing every violation. */
  assertNoViolations(): void;
  stop(): Promise<void>;
}

export async function startStandin(options: StandinOptions): Promise<RunningStandin> {
  const standin = new Standin(options);
  const server = createServer((req, res) => {
    handle(standin, req, res).catch((err: unknown) => {
      standin.violation(
        `stand-in crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  standin.urls = { api: `${url}/api/v3`, html: url };
  return {
    url,
    apiUrl: standin.urls.api,
    standin,
    state: standin.repos,
    deliver: (event, payload) => standin.deliver(event, payload),
    violations: standin.violations,
    assertNoViolations() {
      if (standin.violations.length > 0) {
        throw new Error(
          `GitHub stand-in saw ${standin.violations.length} violation(s):\n${standin.violations.join("\n")}`,
        );
      }
    },
    async stop() {
      await standin.settled().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
