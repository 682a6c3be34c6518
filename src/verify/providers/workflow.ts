import { parseDuration } from "../../config/duration.js";
import type { WorkflowCheck } from "../../config/schema/checks.js";
import { type WorkflowRunSeen, workflowMeasurement } from "../kinds/workflow.js";
import type { Measurement } from "../types.js";
import type { FetchFn } from "./http.js";

/** What dispatching a workflow needs: the REST root, the repository and the job's token. */
export interface WorkflowDeps {
  apiUrl: string;
  repository: string;
  token: string;
  fetch: FetchFn;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

export interface WorkflowCall {
  check: string;
  spec: WorkflowCheck;
  stage: string;
  environment: string;
  version: string;
}

interface RunJson {
  id: number;
  html_url: string;
  status: string;
  conclusion: string | null;
  display_title?: string;
}

class RestError extends Error {
  constructor(
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

function fillInput(value: string, call: WorkflowCall): string {
  return value
    .replaceAll("{stage}", call.stage)
    .replaceAll("{environment}", call.environment)
    .replaceAll("{version}", call.version);
}

/** The inputs the workflow is dispatched with: `stage` and `version`, then the check's own (filled). */
export function dispatchInputs(call: WorkflowCall): Record<string, string> {
  const extra = Object.fromEntries(
    Object.entries(call.spec.inputs ?? ({} as Record<string, string>)).map(([k, v]) => [
      k,
      fillInput(v, call),
    ]),
  );
  return { ...extra, stage: call.stage, version: call.version };
}

async function rest(deps: WorkflowDeps, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = `${deps.apiUrl.replace(/\/+$/, "")}/repos/${deps.repository}${path}`;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${deps.token}`,
        "x-github-api-version": "2022-11-28",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new RestError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {}
    const hint =
      response.status === 404
        ? " (is the workflow file on the ref, and has the job `actions: write`?)"
        : response.status === 403
          ? " (give the deploy job `permissions: actions: write`)"
          : response.status === 422
            ? " (the workflow needs `on: workflow_dispatch` declaring every input it is sent: stage, version and the check's inputs)"
            : "";
    throw new RestError(`${method} ${path} answered ${response.status}: ${message}${hint}`, response.status);
  }
  return text ? JSON.parse(text) : undefined;
}

async function listRunIds(deps: WorkflowDeps, file: string): Promise<Set<number>> {
  const page = (await rest(
    deps,
    "GET",
    `/actions/workflows/${encodeURIComponent(file)}/runs?event=workflow_dispatch&per_page=100`,
  )) as { workflow_runs?: RunJson[] } | undefined;
  return new Set((page?.workflow_runs ?? []).map((r) => r.id));
}

/**
 * Dispatches the check's workflow with `stage` and `version` inputs (a job's token may: workflow_dispatch is the
 * one event it can start runs with), finds the run (GitHub returns it with `return_run_details`; otherwise the
 * newest run that was not there before the dispatch), and polls it until it completes or the bound passes.
 */
export async function runWorkflowCheck(deps: WorkflowDeps, call: WorkflowCall): Promise<Measurement> {
  const { spec } = call;
  const timeout = spec.timeout ?? "1h";
  const timeoutMs = parseDuration(timeout) ?? 3_600_000;
  const pollMs = Math.max(1_000, parseDuration(spec.poll ?? "15s") ?? 15_000);
  const file = spec.file;
  const seen: WorkflowRunSeen = { timedOut: false, timeout, file };
  const prefix = `[${call.check}] `;
  const started = deps.now();
  try {
    const before = await listRunIds(deps, file);
    const ref = spec.ref ? fillInput(spec.ref, call) : call.version;
    const dispatchPath = `/actions/workflows/${encodeURIComponent(file)}/dispatches`;
    const body = { ref, inputs: dispatchInputs(call) };
    let dispatched: { workflow_run_id?: number } | undefined;
    try {
      dispatched = (await rest(deps, "POST", dispatchPath, { ...body, return_run_details: true })) as
        | { workflow_run_id?: number }
        | undefined;
    } catch (error) {
      // A GitHub Enterprise Server that predates return_run_details refuses the key: dispatch without it and
      // find the run in the list instead.
      if (!(error instanceof RestError && error.status === 422 && /return_run_details/.test(error.message)))
        throw error;
      dispatched = (await rest(deps, "POST", dispatchPath, body)) as undefined;
    }
    deps.log(`${prefix}dispatched ${file} on ${ref} with stage=${call.stage} version=${call.version}`);
    let runId = dispatched?.workflow_run_id;
    let run: RunJson | undefined;
    for (;;) {
      if (runId === undefined) {
        const page = (await rest(
          deps,
          "GET",
          `/actions/workflows/${encodeURIComponent(file)}/runs?event=workflow_dispatch&per_page=100`,
        )) as { workflow_runs?: RunJson[] } | undefined;
        const fresh = (page?.workflow_runs ?? [])
          .filter((r) => !before.has(r.id))
          .sort((a, b) => b.id - a.id);
        runId = fresh[0]?.id;
      }
      if (runId !== undefined) {
        run = (await rest(deps, "GET", `/actions/runs/${runId}`)) as RunJson;
        seen.run = {
          id: run.id,
          url: run.html_url,
          status: run.status,
          conclusion: run.conclusion,
          ...(run.display_title ? { title: run.display_title } : {}),
        };
        if (run.status === "completed") break;
      }
      const left = timeoutMs - (deps.now() - started);
      if (left <= 0) {
        seen.timedOut = true;
        break;
      }
      await deps.sleep(Math.min(pollMs, left));
    }
    if (runId === undefined) seen.error = `no run of ${file} appeared within ${timeout} after the dispatch`;
  } catch (error) {
    seen.error = error instanceof Error ? error.message : String(error);
  }
  const measurement = workflowMeasurement(seen);
  deps.log(`${prefix}${measurement.phase}: ${measurement.message}${seen.run ? ` (${seen.run.url})` : ""}`);
  return measurement;
}
