// A plain Node (req, res) handler for any Node host: Cloud Run, Azure Functions (Node HTTP), Vercel or
// Netlify functions, Fastify/Express, or `http.createServer(handler)`. Same app function and GitHub policy as
// `npm start`; serves the webhook path (WEBHOOK_PATH, default /api/github/webhooks) and GET /healthz.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createNodeMiddleware } from "probot";
import app from "../index.js";
import { shiplineProbot } from "./probot.js";

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<boolean>;

let middleware: Promise<Middleware> | undefined;

/** Built on first use and kept for the life of the process (one Probot, one token cache, one budget). */
function shipline(): Promise<Middleware> {
  middleware ??= createNodeMiddleware(app, { probot: shiplineProbot() }) as Promise<Middleware>;
  return middleware;
}

/** Answers a request Shipline serves; anything else gets 404 (or `next`, when the host passes one). */
export async function handler(req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void> {
  const served = await (await shipline())(req, res, () => undefined);
  if (served) return;
  if (next) return next();
  res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
}

export default handler;
