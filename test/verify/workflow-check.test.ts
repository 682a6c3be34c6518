// The workflow check's REST conversation, against a fake GitHub behind the injected fetch: the requests it sends,
// the fallback for a GitHub without return_run_details, and errors that say what to fix.
import { describe, expect, it } from "vitest";
import { runWorkflowCheck, type WorkflowDeps } from "../../src/verify/providers/workflow.js";

type Answer = { status: number; body?: unknown };

function fakeGitHub(answer: (method: string, path: string, body: unknown, n: number) => Answer) {
  const calls: { method: string; path: string; body: unknown; auth: string }[] = [];
  let t = 0;
  const deps: WorkflowDeps = {
    apiUrl: "https://ghe.example.com/api/v3",
    repository: "acme/web",
    token: "ghs_job",
    fetch: async (url, init) => {
      const path = url.replace("https://ghe.example.com/api/v3/repos/acme/web", "");
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      const headers = (init?.headers ?? {}) as Record<string, string>;
      calls.push({ method: init?.method ?? "GET", path, body, auth: headers.authorization ?? "" });
      const a = answer(init?.method ?? "GET", path, body, calls.length);
      return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
    },
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    log: () => undefined,
  };
  return { deps, calls };
}

const call = {
  check: "load",
  spec: { file: "load-test.yml", timeout: "10m", poll: "30s", "every-round": false },
  stage: "canary",
  environment: "production",
  version: "v2.0.0",
};

describe("workflow check", () => {
  it("on a GitHub without return_run_details, dispatches again without it and finds the new run in the list", async () => {
    let listed = 0;
    const { deps, calls } = fakeGitHub((method, path, body) => {
      if (method === "POST" && (body as { return_run_details?: boolean }).return_run_details)
        return {
          status: 422,
          body: { message: "Invalid request.\n\nreturn_run_details is not a permitted key." },
        };
      if (method === "POST") return { status: 204 };
      if (path.startsWith("/actions/workflows/load-test.yml/runs")) {
        listed++;
        const old = { id: 1, html_url: "u1", status: "completed", conclusion: "success" };
        return {
          status: 200,
          body: {
            workflow_runs:
              listed === 1 ? [old] : [{ id: 9, html_url: "u9", status: "queued", conclusion: null }, old],
          },
        };
      }
      if (path === "/actions/runs/9")
        return {
          status: 200,
          body: {
            id: 9,
            html_url: "https://ghe.example.com/acme/web/actions/runs/9",
            status: "completed",
            conclusion: "success",
          },
        };
      return { status: 404, body: { message: "Not Found" } };
    });
    const m = await runWorkflowCheck(deps, call);
    expect(m).toMatchObject({
      phase: "Successful",
      link: { url: "https://ghe.example.com/acme/web/actions/runs/9" },
    });
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.map((p) => p.body)).toEqual([
      { ref: "v2.0.0", inputs: { stage: "canary", version: "v2.0.0" }, return_run_details: true },
      { ref: "v2.0.0", inputs: { stage: "canary", version: "v2.0.0" } },
    ]);
    expect(calls.every((c) => c.auth === "Bearer ghs_job")).toBe(true);
  });

  it("a 403 on the dispatch is an error that says which permission the deploy job needs", async () => {
    const { deps } = fakeGitHub((method) =>
      method === "POST"
        ? { status: 403, body: { message: "Resource not accessible by integration" } }
        : { status: 200, body: { workflow_runs: [] } },
    );
    const m = await runWorkflowCheck(deps, call);
    expect(m.phase).toBe("Error");
    expect(m.message).toContain(
      "answered 403: Resource not accessible by integration (give the deploy job `permissions: actions: write`)",
    );
  });
});
