// A loopback HTTP endpoint answering every request with 200 and the JSON the test sets at the time (a metrics API
// for the Action's `http` checks, say).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface JsonEndpoint {
  /** http://127.0.0.1:PORT (any path answers). */
  url: string;
  close(): Promise<void>;
}

export async function startJsonEndpoint(answer: () => unknown): Promise<JsonEndpoint> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer())),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
