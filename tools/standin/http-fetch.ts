// A fetch over node:http for loopback servers. Under vitest, nock 15.0.0 patches globalThis.fetch and breaks every
// fetch that carries a body and passes through to a real server ("TypeError: unusable": nock re-wraps the Request
// and consumes its body before @mswjs/interceptors clones it). node:http requests pass through intact.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

function headersOf(init: FetchInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}

async function bodyOf(init: FetchInit | undefined): Promise<Buffer | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
}

export async function httpFetch(input: string | URL | Request, init?: FetchInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  const headers = headersOf(init);
  const body = await bodyOf(init);
  const { status, statusText, responseHeaders, data } = await new Promise<{
    status: number;
    statusText: string;
    responseHeaders: Headers;
    data: Buffer;
  }>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method, headers, signal: init?.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) h.append(k, x);
          else if (v !== undefined) h.set(k, v);
        }
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? "",
          responseHeaders: h,
          data: Buffer.concat(chunks),
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
  const location = responseHeaders.get("location");
  if ([301, 302, 303, 307, 308].includes(status) && location && init?.redirect !== "manual") {
    const next = new URL(location, url);
    const keep = status === 307 || status === 308;
    return httpFetch(next, { ...init, method: keep ? method : "GET", body: keep ? init?.body : undefined });
  }
  const nullBody = status === 204 || status === 304 || method === "HEAD";
  const response = new Response(nullBody ? null : data, { status, statusText, headers: responseHeaders });
  Object.defineProperty(response, "url", { value: url.toString() });
  return response;
}
