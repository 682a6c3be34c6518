// AWS Lambda entry (behind API Gateway or a function URL) through @probot/adapter-aws-lambda-serverless:
// the same app function and GitHub policy as `npm start`. Handler: `lib/serverless/lambda.handler`.
import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import type { Probot } from "probot";
import app from "../index.js";
import { shiplineProbot } from "./probot.js";

/** What the adapter reads from an API Gateway (REST or HTTP API) or function URL event. */
export interface LambdaEvent {
  httpMethod?: string;
  path?: string;
  headers: Record<string, string | undefined>;
  body: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string; path?: string } };
}

export interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

type AdapterFunction = (event: unknown, context: unknown) => Promise<LambdaResult>;

/**
 * The app function of `npm start` (src/app/index.ts). A Lambda serves no other routes, so the extra HTTP
 * handlers it adds (GET /healthz) are dropped; Probot 14 would throw "No server instance" for them.
 */
const lambdaApp = (probot: Probot) => app(probot, { cwd: process.cwd(), addHandler: () => undefined });

/** Built once per container (cold start); warm invocations reuse it. */
const receive = createLambdaFunction(lambdaApp, { probot: shiplineProbot() }) as unknown as AdapterFunction;

/**
 * Wraps the adapter: decodes base64 bodies (HTTP APIs and function URLs may send them), and answers a bad
 * signature with 400 and a handler failure with 500 (the adapter throws, which API Gateway turns into a
 * bare 502 and GitHub would show as "invalid HTTP response").
 */
export async function handler(event: LambdaEvent, context: unknown = {}): Promise<LambdaResult> {
  const body =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  const method = event.httpMethod ?? event.requestContext?.http?.method;
  const path = event.path ?? event.requestContext?.http?.path;
  try {
    return await receive({ ...event, body, httpMethod: method, path }, context);
  } catch (error) {
    const status = statusOf(error);
    return {
      statusCode: status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error:
          status === 400
            ? "signature does not match the payload and WEBHOOK_SECRET (or the request is not a GitHub webhook)"
            : "the event could not be handled; GitHub may redeliver it (see the function's log)",
      }),
    };
  }
}

function statusOf(error: unknown): number {
  const e = error as { status?: unknown; errors?: { status?: unknown }[] };
  const status = typeof e?.status === "number" ? e.status : e?.errors?.find((x) => x.status)?.status;
  return status === 400 ? 400 : 500;
}
