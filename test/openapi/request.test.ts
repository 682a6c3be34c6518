import { describe, expect, it } from "vitest";
import { validateGitHubRequest } from "../support/openapi.js";

const sha = "d6fde92930d4715a2b49857d24b940956b26d2d3";

describe("validateGitHubRequest", () => {
  it("accepts a check run as GitHub documents it", () => {
    expect(
      validateGitHubRequest({
        method: "POST",
        url: "https://api.github.com/repos/o/r/check-runs",
        body: {
          name: "shipline / staging",
          head_sha: sha,
          status: "in_progress",
          output: { title: "Deploying", summary: "**v1.2.0** to staging" },
          actions: [{ label: "Promote", description: "Promote to canary", identifier: "promote" }],
        },
      }),
    ).toEqual([]);
  });

  it("rejects a key GitHub does not declare, at any depth", () => {
    const problems = validateGitHubRequest({
      method: "POST",
      url: "https://api.github.com/repos/o/r/check-runs",
      body: { name: "x", head_sha: sha, colour: "red", output: { title: "t", summary: "s", footer: "f" } },
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("body.colour: unknown property");
    expect(problems[1]).toContain("body.output.footer: unknown property");
  });

  it("rejects a wrong type and a value outside an enum", () => {
    const problems = validateGitHubRequest({
      method: "PATCH",
      url: "https://api.github.com/repos/o/r/check-runs/4",
      body: { name: 42, conclusion: "great" },
    });
    expect(problems.join("\n")).toMatch(/body\.name: must be string/);
    expect(problems.join("\n")).toMatch(/body\.conclusion: must be equal to one of the allowed values/);
  });

  it("rejects a missing required field", () => {
    expect(
      validateGitHubRequest({ method: "POST", url: "/repos/o/r/check-runs", body: { name: "x" } }),
    ).toEqual([expect.stringContaining("must have required property 'head_sha'")]);
  });

  it("rejects an endpoint GitHub does not have, and a method a path does not take", () => {
    expect(validateGitHubRequest({ method: "POST", url: "/repos/o/r/check-run", body: {} })[0]).toContain(
      "no such endpoint",
    );
    expect(validateGitHubRequest({ method: "DELETE", url: "/repos/o/r/check-runs/4" })[0]).toContain(
      "no such endpoint",
    );
  });

  it("matches templates on a GHES-style /api/v3 base and prefers literal segments", () => {
    expect(
      validateGitHubRequest({ method: "GET", url: "http://127.0.0.1:4000/api/v3/repos/o/r/releases/latest" }),
    ).toEqual([]);
    expect(validateGitHubRequest({ method: "GET", url: "/repos/o/r/releases/latest-ish" })[0]).toContain(
      'path parameter release_id: "latest-ish" is not an integer',
    );
    expect(validateGitHubRequest({ method: "GET", url: "/repos/o/r/releases/tags/v1.2.0" })).toEqual([]);
  });

  it("accepts encoded and raw slashes in multi-segment parameters", () => {
    expect(
      validateGitHubRequest({ method: "GET", url: "/repos/o/r/contents/.github%2Fshipline.yml?ref=v1" }),
    ).toEqual([]);
    expect(validateGitHubRequest({ method: "GET", url: "/repos/o/r/git/ref/tags/v1.2.0" })).toEqual([]);
  });

  it("rejects an undeclared query parameter and a malformed one", () => {
    const problems = validateGitHubRequest({
      method: "GET",
      url: "/repos/o/r/commits/abc/check-runs?check_name=shipline%20%2F%20staging&per_page=x&sort=asc",
    });
    expect(problems).toEqual([
      expect.stringContaining('query parameter per_page: "x" is not an integer'),
      expect.stringContaining("query parameter sort is not declared"),
    ]);
  });

  it("rejects a body sent to an endpoint that takes none", () => {
    expect(validateGitHubRequest({ method: "GET", url: "/app", body: { a: 1 } })[0]).toContain(
      "takes no request body",
    );
  });

  describe("workflow dispatch", () => {
    const url = "https://api.github.com/repos/o/r/actions/workflows/shipline.yml/dispatches";
    it("accepts ref, inputs and return_run_details (declared in @octokit/openapi 23)", () => {
      expect(
        validateGitHubRequest({
          method: "POST",
          url,
          body: {
            ref: "v1.2.0",
            inputs: { release: "v1.2.0", stage: "staging", mode: "rollout" },
            return_run_details: true,
          },
        }),
      ).toEqual([]);
    });
    it("rejects more than 25 inputs and a non-boolean return_run_details", () => {
      const inputs = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, "x"]));
      const problems = validateGitHubRequest({
        method: "POST",
        url,
        body: { ref: "v1", inputs, return_run_details: "yes" },
      });
      expect(problems.join("\n")).toMatch(/body\.inputs: must NOT have more than 25 properties/);
      expect(problems.join("\n")).toMatch(/body\.return_run_details: must be boolean/);
    });
  });

  describe("deployment protection rule review", () => {
    const url = "https://api.github.com/repos/o/r/actions/runs/30433642/deployment_protection_rule";
    it("accepts an approval with a comment", () => {
      expect(
        validateGitHubRequest({
          method: "POST",
          url,
          body: { environment_name: "production", state: "approved", comment: "All gates open" },
        }),
      ).toEqual([]);
    });
    it("rejects an unknown state and an unknown key", () => {
      const problems = validateGitHubRequest({
        method: "POST",
        url,
        body: { environment_name: "production", state: "approve", reason: "x" },
      });
      expect(problems.join("\n")).toMatch(/body\.state: must be equal to one of the allowed values/);
      expect(problems.join("\n")).toMatch(/body\.reason: unknown property/);
    });
  });
});
