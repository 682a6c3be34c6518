// The stand-in's workflow state (GitHub's enable/disable endpoints, which the App uses for its tick workflow) and
// the lists the App's in-process clock walks: every request and answer checked against GitHub's OpenAPI description.
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import type { RunningStandin } from "../../tools/standin/index.js";
import { workflowState } from "../../tools/standin/routes/workflows.js";
import { standinWithToken } from "./helpers.js";

describe("stand-in: workflows and the App's lists", () => {
  let gh: RunningStandin | undefined;
  afterEach(async () => {
    await gh?.stop();
    gh = undefined;
  });

  it("keeps a workflow's state through disable and enable; a workflow the repository lacks is 404", async () => {
    const started = await standinWithToken({ workflows: ["shipline.yml", "shipline-tick.yml"] });
    gh = started.gh;
    const { octokit } = started;
    const params = { owner: "acme", repo: "web", workflow_id: "shipline-tick.yml" };
    expect((await octokit.actions.getWorkflow(params)).data.state).toBe("active");
    expect((await octokit.actions.disableWorkflow(params)).status).toBe(204);
    expect((await octokit.actions.getWorkflow(params)).data).toMatchObject({
      state: "disabled_manually",
      path: ".github/workflows/shipline-tick.yml",
    });
    expect(workflowState(gh.standin.repo(), "shipline-tick.yml")).toBe("disabled_manually");
    await octokit.actions.enableWorkflow(params);
    expect((await octokit.actions.getWorkflow(params)).data.state).toBe("active");
    // By its numeric id too, as GitHub accepts.
    const id = (await octokit.actions.getWorkflow(params)).data.id;
    await octokit.actions.disableWorkflow({ ...params, workflow_id: id });
    expect(workflowState(gh.standin.repo(), "shipline-tick.yml")).toBe("disabled_manually");

    const missing = { ...params, workflow_id: "nightly.yml" };
    await expect(octokit.actions.getWorkflow(missing)).rejects.toMatchObject({ status: 404 });
    await expect(octokit.actions.enableWorkflow(missing)).rejects.toMatchObject({ status: 404 });
    gh.assertNoViolations();
  });

  it("lists the App's installation and the installation's repositories, page by page", async () => {
    const started = await standinWithToken();
    gh = started.gh;
    gh.standin.addRepo("acme/api");
    gh.standin.addRepo("acme/docs");
    const asApp = new Octokit({
      baseUrl: gh.apiUrl,
      auth: "header.payload.signature",
      request: { fetch: httpFetch },
    });
    const installations = await asApp.paginate(asApp.apps.listInstallations, { per_page: 100 });
    expect(installations.map((i) => i.id)).toEqual([gh.standin.installationId]);
    const repos = await started.octokit.paginate(started.octokit.apps.listReposAccessibleToInstallation, {
      per_page: 2,
    });
    expect(repos.map((r) => r.full_name)).toEqual(["acme/web", "acme/api", "acme/docs"]);
    gh.assertNoViolations();
  });
});
