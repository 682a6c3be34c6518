import { describe, expect, it } from "vitest";
import { validateGitHubResponse } from "../support/openapi.js";

const dispatch = "https://api.github.com/repos/o/r/actions/workflows/shipline.yml/dispatches";

describe("validateGitHubResponse", () => {
  it("accepts the documented workflow dispatch answers: 204 without a body, 200 with run details", () => {
    expect(validateGitHubResponse({ method: "POST", url: dispatch, status: 204 })).toEqual([]);
    expect(
      validateGitHubResponse({
        method: "POST",
        url: dispatch,
        status: 200,
        body: {
          workflow_run_id: 30433642,
          run_url: "https://api.github.com/repos/o/r/actions/runs/30433642",
          html_url: "https://github.com/o/r/actions/runs/30433642",
        },
      }),
    ).toEqual([]);
  });

  it("rejects a body on a status that documents none, a missing field, an extra key, an undocumented status", () => {
    expect(
      validateGitHubResponse({ method: "POST", url: dispatch, status: 204, body: { ok: true } })[0],
    ).toContain("documents no body");
    const problems = validateGitHubResponse({
      method: "POST",
      url: dispatch,
      status: 200,
      body: { workflow_run_id: 1, run_url: "https://x/1", id: 1 },
    });
    expect(problems.join("\n")).toMatch(/must have required property 'html_url'/);
    expect(problems.join("\n")).toMatch(/response\.id: unknown property/);
    expect(validateGitHubResponse({ method: "POST", url: dispatch, status: 201 })[0]).toContain(
      "status 201 is not documented",
    );
  });

  it("follows $ref'd responses (404 is components/responses/not_found)", () => {
    const url = "https://api.github.com/repos/o/r/releases/tags/v9";
    expect(
      validateGitHubResponse({
        method: "GET",
        url,
        status: 404,
        body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
      }),
    ).toEqual([]);
    expect(
      validateGitHubResponse({ method: "GET", url, status: 404, body: { error: "nope" } }).length,
    ).toBeGreaterThan(0);
  });

  it("skips schema checks for binary bodies", () => {
    expect(
      validateGitHubResponse({
        method: "GET",
        url: "https://api.github.com/repos/o/r/releases/assets/7",
        status: 200,
        contentType: "application/octet-stream",
        body: "bytes",
      }),
    ).toEqual([]);
  });
});
